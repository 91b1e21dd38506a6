# Sourced (not run) by ./run, bin/wirespeed and bin/wsctl: finds JDK 25 and the built classpath.
# shellcheck shell=bash

# Prints the home of a JDK >= 25: JAVA_HOME when it is one (so the tests can hand down their own
# JVM), else the newest /usr/lib/jvm/temurin-25*. The system default java (17 here) never is.
wirespeed_find_jdk() {
    if [[ -n ${JAVA_HOME:-} ]] && wirespeed_is_jdk25 "$JAVA_HOME"; then
        echo "$JAVA_HOME"
        return 0
    fi
    local candidate found=
    for candidate in /usr/lib/jvm/temurin-25*; do
        wirespeed_is_jdk25 "$candidate" && found=$candidate
    done
    if [[ -z $found ]]; then
        echo "wirespeed: JDK 25 not found: install Temurin 25 (/usr/lib/jvm/temurin-25*) or set JAVA_HOME to a JDK 25${JAVA_HOME:+ (JAVA_HOME=$JAVA_HOME is not one)}" >&2
        return 1
    fi
    echo "$found"
}

# True if $1 is a Java home whose release file says version 25 or later.
wirespeed_is_jdk25() {
    local home=$1 version
    [[ -x $home/bin/java && -f $home/release ]] || return 1
    version=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release")
    [[ -n $version ]] && ((version >= 25))
}

# Runs MAIN from the control module's jar with its runtime libraries; replaces the shell.
wirespeed_exec_main() {
    local main=$1 root jdk jar lib
    shift
    root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
    jar="$root/control/target/wirespeed-control-0.1.0-SNAPSHOT.jar"
    lib="$root/control/target/lib"
    if [[ ! -f $jar || ! -d $lib ]]; then
        echo "wirespeed: not built ($jar or $lib missing): run ./mvnw -B -q -DskipTests package in $root" >&2
        exit 1
    fi
    jdk=$(wirespeed_find_jdk) || exit 1
    # WIRESPEED_JAVA_OPTS: extra JVM options (a JFR recording, heap settings), split on spaces
    # shellcheck disable=SC2086
    exec "$jdk/bin/java" --enable-native-access=ALL-UNNAMED ${WIRESPEED_JAVA_OPTS:-} -cp "$jar:$lib/*" "$main" "$@"
}
