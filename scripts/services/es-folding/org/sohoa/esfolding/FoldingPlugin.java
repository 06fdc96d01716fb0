/*
 * The "asciifolding" token filter for the test node only.
 *
 * Production Elasticsearch (the default distribution) has "asciifolding" built in, in its
 * analysis-common module; the integ-test-zip distribution on Maven Central ships without that
 * module. This shim registers Lucene's own ASCIIFoldingFilter (from the lucene-analysis-common
 * jar the node already has) under the same name, so sohoa's index mapping runs unchanged on the
 * test node and on a real cluster. scripts/services/elasticsearch.sh compiles and installs it.
 */
package org.sohoa.esfolding;

import java.util.Map;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;

public class FoldingPlugin extends Plugin implements AnalysisPlugin {
    @Override
    public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
        return Map.of("asciifolding", (indexSettings, environment, name, settings) -> {
            boolean preserve = settings.getAsBoolean("preserve_original", false);
            return new TokenFilterFactory() {
                @Override
                public String name() {
                    return name;
                }

                @Override
                public TokenStream create(TokenStream stream) {
                    return new ASCIIFoldingFilter(stream, preserve);
                }

                @Override
                public TokenStream normalize(TokenStream stream) {
                    return new ASCIIFoldingFilter(stream, false);
                }
            };
        });
    }
}
