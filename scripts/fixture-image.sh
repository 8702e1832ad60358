#!/usr/bin/env bash
# Builds the test fixture image from the static busybox binary, without any registry:
# a rootfs tar piped into `docker import` (POST /images/create?fromSrc=-).
set -euo pipefail
image="${1:-wharf-fixture:busybox}"
busybox="${BUSYBOX:-/bin/busybox}"

# The tag alone proves nothing (another build may own it): only our label says it is the fixture.
label=$(docker image inspect --format '{{ index .Config.Labels "org.wharf.fixture" }}' "$image" 2>/dev/null || true)
if [ "$label" = true ]; then
  exit 0
fi
[ -x "$busybox" ] || { echo "fixture-image: $busybox not found (apt-get install busybox-static)" >&2; exit 1; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/tmp" "$root/etc" "$root/proc" "$root/sys" "$root/dev" "$root/data"
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
done
echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
echo 'root:x:0:' > "$root/etc/group"
chmod 1777 "$root/tmp"

tar -C "$root" -c . | docker import \
  --change 'CMD ["sh"]' \
  --change 'ENV PATH=/bin' \
  --change 'LABEL org.wharf.fixture=true' \
  - "$image" >/dev/null
echo "fixture-image: built $image"
