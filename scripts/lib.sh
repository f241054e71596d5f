# Shared by scripts/measure and scripts/size-check: sourced, not run.
#
# A "variant" is JSON backend + TLS choice, written `serde+rustls`, `miniserde+none`, ...
# A "program" is one of: baseline (scripts/baselines/ureq-token-check, raw ureq 3),
# token_check (examples/token_check.rs, built through scripts/bench/token-check), and cli
# (the `mastolite` binary, feature `cli`); for the runtime benchmark only, followers and
# baseline_followers (a loop over followers pages, through mastolite and on raw ureq).

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BASELINE_DIR="$ROOT/scripts/baselines/ureq-token-check"
# examples/token_check.rs as a program that depends on mastolite (no dev-dependencies).
TOKEN_CHECK_DIR="$ROOT/scripts/bench/token-check"
GNU=x86_64-unknown-linux-gnu
MUSL=x86_64-unknown-linux-musl

if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi

# Installs Debian packages that provide the given commands, when a command is missing.
# Arguments: pairs of command and package.
need_commands() {
  local missing=()
  while [ $# -gt 0 ]; do
    command -v "$1" >/dev/null 2>&1 || missing+=("$2")
    shift 2
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]}" >&2
    $SUDO apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# The musl target and a C compiler for it (ring builds C and assembly).
need_musl() {
  if ! rustup target list --installed | grep -qx "$MUSL"; then
    rustup target add "$MUSL" >&2
  fi
  need_commands musl-gcc musl-tools
  export CC_x86_64_unknown_linux_musl=musl-gcc
}

# The cargo features of a variant: `miniserde+none` -> `miniserde`, `serde+rustls` -> `serde,rustls`.
features_of() {
  local json=${1%%+*} tls=${1#*+}
  if [ "$tls" = none ]; then echo "$json"; else echo "$json,$tls"; fi
}

# The baselines build with the same dependency versions as the crate.
sync_lockfiles() {
  local dir
  for dir in "$BASELINE_DIR" "$TOKEN_CHECK_DIR" "$ROOT/scripts/bench/decode"; do
    cp "$ROOT/Cargo.lock" "$dir/Cargo.lock"
  done
}

# The manifest and cargo arguments that build a program for a variant.
# Usage: cargo_args PROGRAM VARIANT -> prints one argument per line.
cargo_args() {
  local features
  features=$(features_of "$2")
  case $1 in
    baseline) printf '%s\n' --manifest-path "$BASELINE_DIR/Cargo.toml" --features "$features" \
      --bin ureq-token-check ;;
    token_check) printf '%s\n' --manifest-path "$TOKEN_CHECK_DIR/Cargo.toml" --features "$features" \
      --bin token_check ;;
    baseline_followers) printf '%s\n' --manifest-path "$BASELINE_DIR/Cargo.toml" \
      --features "$features" --bin followers_page ;;
    followers) printf '%s\n' --manifest-path "$TOKEN_CHECK_DIR/Cargo.toml" --features "$features" \
      --bin followers_page ;;
    cli) printf '%s\n' --manifest-path "$ROOT/Cargo.toml" --no-default-features \
      --features "$features,cli" --bin mastolite ;;
    *) echo "unknown program $1" >&2; return 1 ;;
  esac
}

# The path of a built binary. Usage: binary_path PROGRAM TARGET TARGET_DIR
binary_path() {
  case $1 in
    baseline) echo "$3/$2/size/ureq-token-check" ;;
    token_check) echo "$3/$2/size/token_check" ;;
    baseline_followers | followers) echo "$3/$2/size/followers_page" ;;
    cli) echo "$3/$2/size/mastolite" ;;
  esac
}

# Builds a program with the `size` profile (opt-level z, lto, one codegen unit, panic abort,
# strip) and prints the binary's path. Usage: build PROGRAM VARIANT TARGET TARGET_DIR
build() {
  local args
  mapfile -t args < <(cargo_args "$1" "$2")
  RUSTFLAGS="$(size_rustflags "$3")" nice -n "${NICE:-0}" cargo build --quiet --profile size \
    --target "$3" --target-dir "$4" "${args[@]}" >&2 || return 1
  binary_path "$1" "$3" "$4"
}

# The RUSTFLAGS of a size build: the caller's, plus, for the static musl targets, packed
# relative relocations (DT_RELR). A static-pie binary relocates itself at start; RELR encodes
# those relocations in about 1% of the bytes of classic RELA entries (86 KB less for the CLI),
# keeps the binary position-independent (ASLR), and needs nothing at run time that the
# binary does not carry: musl's static-pie start-up code applies them. glibc targets are left
# alone, since RELR there needs glibc 2.36 on the machine that runs the binary.
# They also leave out the linker's index of unwind tables (.eh_frame_hdr, 29 KB of the CLI):
# with panic=abort nothing unwinds, and its only reader is the panic message's backtrace,
# which in a stripped binary lists addresses without names. A panic still prints its message
# and aborts; its backtrace is then empty.
# Usage: size_rustflags TARGET
size_rustflags() {
  case $1 in
    *-musl*) echo "${RUSTFLAGS:-} -C link-arg=-Wl,-z,pack-relative-relocs -C link-arg=-Wl,--no-eh-frame-hdr" ;;
    *) echo "${RUSTFLAGS:-}" ;;
  esac
}

# Crates in the normal dependency tree of a program, not counting the program itself.
# Usage: crate_count PROGRAM VARIANT TARGET
crate_count() {
  local args=() all a skip=0
  mapfile -t all < <(cargo_args "$1" "$2")
  # cargo tree knows no --example/--bin: drop them and their values.
  for a in "${all[@]}"; do
    if [ $skip = 1 ]; then skip=0; continue; fi
    case $a in --example | --bin) skip=1 ;; *) args+=("$a") ;; esac
  done
  cargo tree --quiet "${args[@]}" --target "$3" -e normal --prefix none --format '{p}' |
    sed -e 's/ (\*)$//' -e 's/ (proc-macro)$//' | sort -u | grep -c . |
    awk '{ print $1 - 1 }'
}

# Whether the CLI exists yet (src/bin/mastolite.rs or src/bin/mastolite/main.rs).
has_cli() { [ -f "$ROOT/src/bin/mastolite.rs" ] || [ -f "$ROOT/src/bin/mastolite/main.rs" ]; }

# The size of a file in bytes.
size_of() { stat -c %s "$1"; }

# The ARM targets: a Raspberry Pi 3/4/5 or an ARM server (aarch64, static with musl), and a
# 32-bit Raspberry Pi OS (armv7, against Debian's armhf glibc: rustup does not serve the armv7
# musl targets everywhere). Each is built with Debian's cross compiler (ring's C and assembly,
# and the linker) and run under qemu-user.
AARCH64=aarch64-unknown-linux-musl
ARMV7=armv7-unknown-linux-gnueabihf
ARM_TARGETS="aarch64 armv7"

# The Rust target triple of an ARM target's short name.
arm_triple() {
  case $1 in
    aarch64) echo "$AARCH64" ;;
    armv7) echo "$ARMV7" ;;
    *) echo "unknown ARM target $1" >&2; return 1 ;;
  esac
}

# The command that runs a binary of an ARM target under emulation, one word a line.
arm_runner() {
  case $1 in
    aarch64) echo qemu-aarch64 ;;
    armv7) printf '%s\n' qemu-arm -L /usr/arm-linux-gnueabihf ;;
  esac
}

# Installs what the ARM builds and their emulated runs need, when missing: the rustup targets,
# the cross compilers, armhf glibc and qemu-user (one `apt-get update`, then one install), and
# points cargo and the cc crate at the cross compilers.
need_arm() {
  local t installed missing=()
  installed=$(rustup target list --installed)
  for t in "$AARCH64" "$ARMV7"; do
    grep -qx "$t" <<<"$installed" || rustup target add "$t" >&2
  done
  command -v aarch64-linux-gnu-gcc >/dev/null || missing+=(gcc-aarch64-linux-gnu)
  command -v arm-linux-gnueabihf-gcc >/dev/null || missing+=(gcc-arm-linux-gnueabihf)
  [ -e /usr/arm-linux-gnueabihf/include/stdio.h ] || missing+=(libc6-dev-armhf-cross)
  { command -v qemu-aarch64 && command -v qemu-arm; } >/dev/null || missing+=(qemu-user)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]}" >&2
    # Waits for another apt run to finish rather than failing on its lock.
    $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
      "${missing[@]}" >/dev/null
  fi
  export CC_aarch64_unknown_linux_musl=aarch64-linux-gnu-gcc
  export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_LINKER=aarch64-linux-gnu-gcc
  export CC_armv7_unknown_linux_gnueabihf=arm-linux-gnueabihf-gcc
  export CARGO_TARGET_ARMV7_UNKNOWN_LINUX_GNUEABIHF_LINKER=arm-linux-gnueabihf-gcc
}
