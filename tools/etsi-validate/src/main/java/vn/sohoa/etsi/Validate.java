package vn.sohoa.etsi;

import eu.europa.esig.dss.enumerations.Indication;
import eu.europa.esig.dss.enumerations.SignatureLevel;
import eu.europa.esig.dss.enumerations.SubIndication;
import eu.europa.esig.dss.jaxb.object.Message;
import eu.europa.esig.dss.model.FileDocument;
import eu.europa.esig.dss.model.x509.CertificateToken;
import eu.europa.esig.dss.service.crl.OnlineCRLSource;
import eu.europa.esig.dss.service.http.commons.CommonsDataLoader;
import eu.europa.esig.dss.service.http.commons.OCSPDataLoader;
import eu.europa.esig.dss.service.ocsp.OnlineOCSPSource;
import eu.europa.esig.dss.simplereport.SimpleReport;
import eu.europa.esig.dss.simplereport.jaxb.XmlTimestamp;
import eu.europa.esig.dss.spi.DSSUtils;
import eu.europa.esig.dss.spi.validation.CommonCertificateVerifier;
import eu.europa.esig.dss.spi.x509.aia.DefaultAIASource;
import eu.europa.esig.dss.spi.x509.CommonTrustedCertificateSource;
import eu.europa.esig.dss.validation.SignedDocumentValidator;
import eu.europa.esig.dss.validation.reports.Reports;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.SimpleDateFormat;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.TimeZone;

/**
 * Validates the signatures of one PDF with the EU's DSS library (ETSI EN 319 102-1, DSS's default
 * validation policy) against the trust anchors given. Prints one JSON object on stdout.
 *
 * One change to the default policy: the checks that a signer's lock was respected (DocMDP of a
 * certification signature, FieldMDP and SigFieldLock of a field lock) FAIL instead of WARN. DSS
 * ships them as warnings; an archive that certifies its documents means the lock, and a copy
 * painted over after signing must not pass. Changes to a document that nothing locked stay
 * warnings, as in the default.
 *
 * Offline by default: no OCSP, CRL or AIA fetching, only what the file embeds (what an archive
 * must rely on decades later). With --online DSS may also fetch OCSP responses, CRLs and issuer
 * certificates from the addresses in the certificates, as a validator at signing time would.
 *
 * DSS and PDFBox log through slf4j, bound to slf4j-nop, so stdout carries the JSON only.
 *
 * <pre>java -cp 'lib/*' vn.sohoa.etsi.Validate FILE.pdf ROOT.pem [ROOT2.pem ...] [--online] [--reports DIR]
 * java -cp 'lib/*' vn.sohoa.etsi.Validate ROOT.pem [...] --pdf A.pdf --pdf B.pdf [--online]</pre>
 *
 * Each ROOT file holds one certificate, PEM or DER. With several --pdf, one JSON object per file
 * is printed, one per line, in order (and --reports writes DIR/0, DIR/1, ...).
 *
 * With --reports, DSS's simple, detailed and diagnostic XML reports are written to DIR as well:
 * they say, check by check, why a signature is not TOTAL_PASSED.
 *
 * Exit code: 0 when DSS's verdict was printed (whatever it is), 2 on bad arguments or an
 * unreadable file.
 */
public final class Validate {

    private Validate() {
    }

    public static void main(String[] args) throws IOException {
        List<String> roots = new ArrayList<>();
        List<String> pdfs = new ArrayList<>();
        List<String> positional = new ArrayList<>();
        Path reportsDir = null;
        boolean online = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--online")) {
                online = true;
            } else if (args[i].equals("--reports") && i + 1 < args.length) {
                reportsDir = Path.of(args[++i]);
            } else if (args[i].equals("--pdf") && i + 1 < args.length) {
                pdfs.add(args[++i]);
            } else {
                positional.add(args[i]);
            }
        }
        if (pdfs.isEmpty() && !positional.isEmpty()) {
            pdfs.add(positional.remove(0));
        }
        roots.addAll(positional);
        if (pdfs.isEmpty() || roots.isEmpty()) {
            System.err.println("usage: Validate FILE.pdf ROOT.pem [ROOT2.pem ...] [--online] "
                    + "[--reports DIR]\n       Validate ROOT.pem ... --pdf FILE.pdf [--pdf ...]");
            System.exit(2);
        }
        for (String pdf : pdfs) {
            if (!new File(pdf).isFile()) {
                System.err.println("etsi-validate: no such file: " + pdf);
                System.exit(2);
            }
        }

        CommonTrustedCertificateSource trusted = new CommonTrustedCertificateSource();
        for (String root : roots) {
            CertificateToken cert = DSSUtils.loadCertificate(new File(root));
            trusted.addCertificate(cert);
        }
        CommonCertificateVerifier verifier = new CommonCertificateVerifier();
        verifier.setTrustedCertSources(trusted);
        if (online) {
            verifier.setOcspSource(new OnlineOCSPSource(new OCSPDataLoader()));
            verifier.setCrlSource(new OnlineCRLSource(new CommonsDataLoader()));
            verifier.setAIASource(new DefaultAIASource(new CommonsDataLoader()));
        } else {
            // Only the revocation data and certificates embedded in the file count.
            verifier.setOcspSource(null);
            verifier.setCrlSource(null);
            verifier.setAIASource(null);
        }

        // One JSON object per file, one per line, in the order given (the JVM and DSS start
        // once for all of them: that is most of the time a validation takes).
        for (int n = 0; n < pdfs.size(); n++) {
            String pdf = pdfs.get(n);
            SignedDocumentValidator validator =
                    SignedDocumentValidator.fromDocument(new FileDocument(pdf));
            validator.setCertificateVerifier(verifier);
            Reports reports = validator.validateDocument(lockingPolicy());
            if (reportsDir != null) {
                Path dir = pdfs.size() == 1 ? reportsDir : reportsDir.resolve(String.valueOf(n));
                Files.createDirectories(dir);
                Files.writeString(dir.resolve("simple-report.xml"), reports.getXmlSimpleReport());
                Files.writeString(dir.resolve("detailed-report.xml"),
                        reports.getXmlDetailedReport());
                Files.writeString(dir.resolve("diagnostic-data.xml"),
                        reports.getXmlDiagnosticData());
            }
            System.out.println(toJson(pdf, online, reports.getSimpleReport()));
        }
    }

    /** DSS's default policy with the lock checks (DocMDP, FieldMDP, SigFieldLock) at FAIL. */
    private static InputStream lockingPolicy() throws IOException {
        String policy;
        try (InputStream in = Validate.class.getResourceAsStream("/policy/constraint.xml")) {
            if (in == null) {
                throw new IOException("DSS's default policy (/policy/constraint.xml) is missing");
            }
            policy = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String strict = policy;
        for (String check : new String[] {"DocMDP", "FieldMDP", "SigFieldLock"}) {
            strict = strict.replace("<" + check + " Level=\"WARN\" />",
                    "<" + check + " Level=\"FAIL\" />");
        }
        if (strict.equals(policy)) {
            throw new IOException("DSS's default policy no longer has the lock checks at WARN");
        }
        return new ByteArrayInputStream(strict.getBytes(StandardCharsets.UTF_8));
    }

    private static String toJson(String pdf, boolean online, SimpleReport report) {
        StringBuilder out = new StringBuilder();
        out.append("{\"file\":").append(str(pdf));
        out.append(",\"online\":").append(online);
        out.append(",\"validation_time\":").append(str(iso(report.getValidationTime())));
        out.append(",\"signatures_count\":").append(report.getSignaturesCount());
        out.append(",\"valid_signatures_count\":").append(report.getValidSignaturesCount());
        out.append(",\"signatures\":[");
        boolean first = true;
        for (String id : report.getSignatureIdList()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            SignatureLevel format = report.getSignatureFormat(id);
            out.append("{\"id\":").append(str(id));
            out.append(",\"signed_by\":").append(str(report.getSignedBy(id)));
            out.append(",\"format\":").append(str(format == null ? null : format.toString()));
            out.append(",\"indication\":").append(str(name(report.getIndication(id))));
            out.append(",\"sub_indication\":").append(str(name(report.getSubIndication(id))));
            out.append(",\"signing_time\":").append(str(iso(report.getSigningTime(id))));
            out.append(",\"best_signature_time\":").append(str(iso(report.getBestSignatureTime(id))));
            out.append(",\"timestamps\":").append(timestamps(report.getSignatureTimestamps(id)));
            out.append(",\"errors\":").append(messages(report.getAdESValidationErrors(id)));
            out.append(",\"warnings\":").append(messages(report.getAdESValidationWarnings(id)));
            out.append(",\"info\":").append(messages(report.getAdESValidationInfo(id)));
            out.append('}');
        }
        out.append("]}");
        return out.toString();
    }

    private static String timestamps(List<XmlTimestamp> list) {
        StringBuilder out = new StringBuilder("[");
        boolean first = true;
        for (XmlTimestamp ts : list) {
            if (!first) {
                out.append(',');
            }
            first = false;
            out.append("{\"id\":").append(str(ts.getId()));
            out.append(",\"produced_by\":").append(str(ts.getProducedBy()));
            out.append(",\"production_time\":").append(str(iso(ts.getProductionTime())));
            out.append(",\"indication\":").append(str(name(ts.getIndication())));
            out.append(",\"sub_indication\":").append(str(name(ts.getSubIndication())));
            out.append('}');
        }
        return out.append(']').toString();
    }

    private static String messages(List<Message> list) {
        StringBuilder out = new StringBuilder("[");
        boolean first = true;
        for (Message message : list) {
            if (!first) {
                out.append(',');
            }
            first = false;
            out.append(str(message.getKey() + ": " + message.getValue()));
        }
        return out.append(']').toString();
    }

    private static String name(Indication indication) {
        return indication == null ? null : indication.name();
    }

    private static String name(SubIndication sub) {
        return sub == null ? null : sub.name();
    }

    private static String iso(Date date) {
        if (date == null) {
            return null;
        }
        SimpleDateFormat format = new SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss'Z'");
        format.setTimeZone(TimeZone.getTimeZone("UTC"));
        return format.format(date);
    }

    private static String str(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
