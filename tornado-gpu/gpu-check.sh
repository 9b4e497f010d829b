#!/usr/bin/env bash
# The GPU check of the TornadoVM backend, in one run, for a machine that has a GPU driver but neither Java nor Maven.
# Bring along (nothing here builds them):
#   JAVA_HOME       a JDK 25 runtime (a jlinked one is enough: java.base, java.desktop, java.logging, java.management,
#                   jdk.incubator.vector, jdk.management, jdk.unsupported and the JVMCI modules TornadoVM's argfile names)
#   TORNADOVM_HOME  a TornadoVM 5.x SDK for JDK 25 built with a backend the driver supports (OpenCL and/or PTX), with
#                   its tornado-argfile generated for where it lies
#   the built jars  cli/target/rbnn.jar and tornado-gpu/target/rbnn4j-tornado-gpu-*.jar (tornado-gpu/target/tornado-modules,
#                   the SDK's module jars without its EJML, is recreated from the SDK when missing, as the build does)
# Prints: the devices; every device operation against the scalar reference (errors, times); then S training steps of
# resnet20_1w1a at batch 256 on the device (resident, the default `tornado`: arrays kept in device memory; then the
# staged `tornado-staged`, which copies every operation's operands) and on the CPU backend (a fraction of an epoch: 20
# steps = 5,120 images).
# Usage: tornado-gpu/gpu-check.sh [DEVICE] [STEPS]      (DEVICE as in --backend tornado:N, default TornadoVM's default)
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
: "${JAVA_HOME:?set JAVA_HOME to a JDK 25 runtime}"
: "${TORNADOVM_HOME:?set TORNADOVM_HOME to a TornadoVM SDK}"
export RBNN_NO_BUILD=1
modules=tornado-gpu/target/tornado-modules
if [ ! -d "$modules" ]; then
  mkdir -p "$modules"
  for j in "$TORNADOVM_HOME"/share/java/tornado/*.jar; do
    case "$(basename "$j")" in ejml-*) ;; *) cp "$j" "$modules/" ;; esac
  done
fi
"$JAVA_HOME/bin/java" -version 2>&1 | head -1
device=${1:-}
steps=${2:-20}
backend=tornado${device:+:$device}
# RBNN_CHECK_TIMEOUT (seconds) bounds each command, so that one hung device call leaves the rest of the check to run.
run() {
  if [ -n "${RBNN_CHECK_TIMEOUT:-}" ]; then timeout "$RBNN_CHECK_TIMEOUT" "$@"; else "$@"; fi
}
status=0
run ./rbnn devices --check ${device:+--device "$device"} || status=1
run ./rbnn bench train --backend "$backend" --model resnet20_1w1a --batch 256 --steps "$steps" --json || status=1
run ./rbnn bench train --backend "tornado-staged${device:+:$device}" --model resnet20_1w1a --batch 256 --steps "$steps" \
  --json || status=1
run ./rbnn bench train --backend simd --model resnet20_1w1a --batch 256 --steps "$steps" --json || status=1
exit $status
