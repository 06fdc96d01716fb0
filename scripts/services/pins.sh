# Sourced by the service scripts: what the tests fetch at run time is pinned, and checked before
# it is used. Maven Central and the Go module proxy give us the bytes; these checksums say they
# are the bytes the suite was made green with.
#
#   check_sha256 FILE SHA256 WHAT     FILE's SHA-256 is SHA256
#   check_jars DIR LIST WHAT [SKIP]   DIR holds exactly the jars LIST names (sha256sum format),
#                                     each with its hash; SKIP is a jar built here, not fetched
#   write_jars DIR LIST [SKIP]        (re)write LIST from DIR: when a pom's version changes

check_sha256() {
    local file=$1 want=$2 what=$3 got
    got=$(sha256sum "$file" | cut -d' ' -f1)
    if [ "$got" != "$want" ]; then
        echo "$what: $file has SHA-256 $got, pinned $want; delete it and run again" >&2
        return 1
    fi
}

_jar_names() { (cd "$1" && find . -maxdepth 1 -name '*.jar' ! -name "${2:-.none}" -printf '%f\n' | sort); }

check_jars() {
    local dir=$1 list=$2 what=$3 skip=${4:-} bad
    if ! bad=$(cd "$dir" && sha256sum --check --strict --quiet "$list" 2>&1); then
        echo "$what: jars in $dir differ from the pins in $list:" >&2
        echo "$bad" >&2
        return 1
    fi
    bad=$(comm -13 <(awk '{print $2}' "$list" | sort) <(_jar_names "$dir" "$skip"))
    if [ -n "$bad" ]; then
        echo "$what: jars in $dir that $list does not pin: $bad" >&2
        return 1
    fi
}

write_jars() {
    local dir=$1 list=$2 skip=${3:-}
    (cd "$dir" && _jar_names "$dir" "$skip" | xargs sha256sum) >"$list"
}
