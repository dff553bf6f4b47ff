#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# llctl layout on the running kernel's BTF and on llkm.ko's own structs:
# struct list_head from /sys/kernel/btf/vmlinux; llkm.ko's DWARF against
# pahole on the same file; the same structs from the split BTF pahole
# encodes on this kernel's base, as a raw file and as a .ko's .BTF, read
# exactly as from DWARF. Needs no privilege and leaves llkm unloaded.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=selftests/llkm/lib.sh
. "$here/lib.sh"
PLAN=5
BTF=/sys/kernel/btf/vmlinux
# llkm structs with holes, padding or both
STRUCTS="llkm_counter llkm_cpu_ring llkm_trace_cfg llkm_ring_stats"

echo "TAP version 13"
echo "1..$PLAN"
if [ -z "$LLCTL" ] || [ -z "$KO" ] || ! command -v jq >/dev/null; then
	skip_all $PLAN "needs jq, llctl and llkm.ko"
fi
# what two reads of the same structs must agree on
SIG='[.structs[] | select(.name | startswith("llkm")) |
      [.name, .size, .holes, .sum_holes, .bit_holes, .padding, .cachelines,
       [.fields[] | [.name, .bit_offset, .bit_size, .size]]]]'

if [ -r "$BTF" ]; then
	run layout --json --struct list_head "$BTF"
	check btf_vmlinux_list_head_is_16_bytes "exit $(rc): $(cat "$out/stderr")" \
		jqe '.source == "btf" and .btf_base == null and .structs[0].size == 16 and
		     ([.structs[0].fields[] | [.name, .offset]]) == [["next", 0], ["prev", 8]]' \
		"$out/stdout"
else
	skip btf_vmlinux_list_head_is_16_bytes "$BTF is absent (CONFIG_DEBUG_INFO_BTF=n)"
fi

run layout --json --source dwarf --struct 'llkm*' "$KO"
cp "$out/stdout" "$out/dwarf.json"
check llkm_ko_structs_from_dwarf "exit $(rc): $(cat "$out/stderr")" \
	jqe '.source == "dwarf" and ([.structs[].name] | index("llkm_counter") != null)' \
	"$out/dwarf.json"

# pahole's summary lines of one struct: "size holes sum_holes padding"
pahole_sums() {
	pahole -C "$1" "$KO" 2>/dev/null | awk '
		/^\t\/\* size: / { gsub(/,/, ""); size = $3 }
		/^\t\/\* sum members: .*holes: / { gsub(/,/, ""); holes = $6; sum = $9 }
		/^\t\/\* padding: / { pad = $3 }
		END { printf "%d %d %d %d\n", size, holes, sum, pad }'
}

if command -v pahole >/dev/null; then
	bad=
	for s in $STRUCTS; do
		ours=$(jq -r --arg s "$s" '.structs[] | select(.name == $s) |
			"\(.size) \(.holes) \(.sum_holes) \(.padding)"' "$out/dwarf.json")
		theirs=$(pahole_sums "$s")
		[ -n "$ours" ] && [ "$ours" = "$theirs" ] || bad="$bad $s: llctl '$ours' pahole '$theirs';"
	done
	check llkm_ko_holes_as_pahole_counts "${bad:-}" test -z "$bad"
else
	skip llkm_ko_holes_as_pahole_counts "pahole is not installed"
fi

if ! command -v pahole >/dev/null || [ ! -r "$BTF" ] ||
   { ! command -v llvm-objcopy >/dev/null && ! command -v objcopy >/dev/null; }; then
	skip llkm_split_btf_reads_as_dwarf "needs pahole, an objcopy and $BTF to encode split BTF"
	skip llkm_ko_with_btf_section_reads_on_base "needs pahole, an objcopy and $BTF to encode split BTF"
	ktap_totals
	exit 0
fi
jq -c "$SIG" "$out/dwarf.json" >"$out/dwarf.sig"

pahole --btf_base="$BTF" --btf_encode_detached="$out/llkm.btf" "$KO" >/dev/null 2>&1
run layout --json --btf-base "$BTF" --struct 'llkm*' "$out/llkm.btf"
check llkm_split_btf_reads_as_dwarf "exit $(rc): $(head -c 300 "$out/stderr")" \
	sh -c "jq -e '.source == \"btf\" and .btf_base == \"$BTF\"' '$out/stdout' >/dev/null &&
	       jq -c '$SIG' '$out/stdout' | cmp -s - '$out/dwarf.sig'"

# The module with a .BTF section: pahole -J, which calls llvm-objcopy to add
# it; where there is none (the arm64 guest's root), the split BTF above
# added with binutils' objcopy (which does not read the modules newer
# suites' compilers build).
cp "$KO" "$out/llkm.ko"
if command -v llvm-objcopy >/dev/null; then
	pahole -J --btf_base="$BTF" "$out/llkm.ko" >/dev/null 2>"$out/objcopy.err"
else
	objcopy --add-section .BTF="$out/llkm.btf" "$out/llkm.ko" 2>"$out/objcopy.err"
fi
run layout --json --source btf --struct 'llkm*' "$out/llkm.ko"
check llkm_ko_with_btf_section_reads_on_base "exit $(rc): $(head -c 300 "$out/stderr") $(head -c 200 "$out/objcopy.err")" \
	sh -c "jq -e '.source == \"btf\" and .btf_base == \"$BTF\"' '$out/stdout' >/dev/null &&
	       jq -c '$SIG' '$out/stdout' | cmp -s - '$out/dwarf.sig'"

ktap_totals
[ "$fail" -eq 0 ]
