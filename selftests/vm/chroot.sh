# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Debian root file systems of our own, for selftests/vm/suite (a suite's
# compiler and kernel) and selftests/host/fresh_machine_test.sh (a machine
# that has nothing yet): where the packages come from, and how to run a
# command inside one and clean up after it, even when killed.

CHROOT_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export CHROOT_PATH

# chroot_mirrors: sets MIRROR and SECURITY_MIRROR from the host's apt
# sources (the repository serving the host's own codename, and its
# -security companion), unless LLKM_SUITE_MIRROR(_SECURITY) say otherwise.
# 1 when the host's sources name no mirror for its codename.
chroot_mirrors() {
	local codename targets
	MIRROR=${LLKM_SUITE_MIRROR:-}
	SECURITY_MIRROR=${LLKM_SUITE_SECURITY_MIRROR:-}
	if [ -z "$MIRROR" ] || [ -z "$SECURITY_MIRROR" ]; then
		codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
		# shellcheck disable=SC2016 # $(REPO_URI): apt's format field, not a command
		targets=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 2>/dev/null | sort -u) || targets=
		if [ -z "$MIRROR" ] && [ -n "$codename" ]; then
			MIRROR=$(awk -v s="$codename" '$2 == s { print $1; exit }' <<<"$targets")
		fi
		if [ -z "$SECURITY_MIRROR" ] && [ -n "$codename" ]; then
			SECURITY_MIRROR=$(awk -v s="$codename-security" '$2 == s { print $1; exit }' <<<"$targets")
		fi
	fi
	[ -n "$MIRROR" ] || return 1
	MIRROR=${MIRROR%/}
	[ "$SECURITY_MIRROR" != none ] || SECURITY_MIRROR=
	SECURITY_MIRROR=${SECURITY_MIRROR%/}
}

# chroot_sources SUITE: the sources.list lines of SUITE from MIRROR and
# SECURITY_MIRROR, one per line (LLKM_SUITE_UPDATES=0: the suite alone).
chroot_sources() {
	echo "deb $MIRROR $1 main"
	case $1 in sid | unstable | experimental | rc-buggy) return ;; esac
	[ "${LLKM_SUITE_UPDATES:-1}" = 1 ] || return 0
	echo "deb $MIRROR $1-updates main"
	[ -z "$SECURITY_MIRROR" ] || echo "deb $SECURITY_MIRROR $1-security main"
}

# umount_under DIR: unmount whatever a killed process left mounted below DIR
umount_under() {
	local dir m
	dir=$(realpath -q -- "$1") || return 0
	findmnt -rn -o TARGET 2>/dev/null | awk -v d="$dir/" 'index($0, d) == 1' |
		sort -r | while read -r m; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
	done
}

# remove_tree DIR: remove DIR, never crossing into mounted filesystems
remove_tree() {
	[ -e "$1" ] || [ -L "$1" ] || return 0
	umount_under "$1"
	rm -rf --one-file-system -- "$1"
}

# in_chroot ROOT CMD [ARGS...]: run CMD in the chroot ROOT with /proc and
# /sys mounted (objtool reads /proc on 7.x kernels) and the host's DNS
# settings, in private mount and pid namespaces: the mounts disappear with
# CMD, even if we are killed, and killing unshare ends CMD and its children.
# CHROOT_DEV=1 also binds the host's /dev (a guest's qemu needs it);
# CHROOT_BIND="HOSTDIR:DIR" binds HOSTDIR on the chroot's DIR.
in_chroot() {
	local root=$1
	shift
	# shellcheck disable=SC2016 # the inner shell expands $1, $r and the rest
	unshare --mount --propagation private --pid --fork --kill-child -- /bin/sh -c '
		r=$1; shift
		mount -t proc proc "$r/proc" || exit 125
		mount -t sysfs -o ro sysfs "$r/sys" || exit 125
		if [ "${CHROOT_DEV:-0}" = 1 ]; then
			mount --rbind /dev "$r/dev" || exit 125
		fi
		if [ -n "${CHROOT_BIND:-}" ]; then
			mkdir -p "$r${CHROOT_BIND#*:}" &&
			mount --bind "${CHROOT_BIND%%:*}" "$r${CHROOT_BIND#*:}" || exit 125
		fi
		if [ -f /etc/resolv.conf ] && [ -f "$r/etc/resolv.conf" ] &&
			[ ! -L "$r/etc/resolv.conf" ]; then
			mount --bind /etc/resolv.conf "$r/etc/resolv.conf" 2>/dev/null || true
		fi
		exec chroot "$r" /usr/bin/env -i PATH="$CHROOT_PATH" HOME=/root \
			LC_ALL=C TERM="${TERM:-dumb}" DEBIAN_FRONTEND=noninteractive "$@"
	' sh "$root" "$@"
}
