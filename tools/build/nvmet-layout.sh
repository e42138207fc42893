#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Check that the private nvmet.h vssd_tcp is built against has a layout vssd
# has been tested with.  The layout is what vssd_tcp relies on: the whole
# definitions of the nvmet structures it embeds or fills in (nvmet_req,
# nvmet_sq, nvmet_cq, nvmet_fabrics_ops), the declarations of the members it
# reads in others (nvmet_port, nvmet_ctrl, nvmet_subsys, nvmet_ns), and the
# declarations of the nvmet functions and objects it uses, each reduced to
# its tokens (comments and line breaks dropped) and hashed.  tools/build/nvmet-layouts lists the
# layouts checked so far (one line per kernel release: release, then
# name=hash for each item).  A kernel whose nvmet.h matches a listed line in
# every item builds; one that does not is refused, naming the items no
# checked layout has, unless VSSD_NVMET_UNCHECKED=1 (then it warns).
#
# usage: nvmet-layout.sh NVMET_H RELEASE        check
#        nvmet-layout.sh --print NVMET_H RELEASE  print the line to list
set -u

print=""
if [ "${1:-}" = --print ]; then
	print=1
	shift
fi
[ $# = 2 ] || { echo "usage: nvmet-layout.sh [--print] NVMET_H RELEASE" >&2; exit 2; }
header="$1" release="$2"
known="$(dirname "$0")/nvmet-layouts"

structs="nvmet_req nvmet_sq nvmet_cq nvmet_fabrics_ops"
members="nvmet_port.disc_addr nvmet_port.inline_data_size nvmet_port.priv
nvmet_ctrl.subsys nvmet_subsys.namespaces nvmet_ns.ref nvmet_ns.bdev nvmet_ns.nguid
nvmet_ns.uuid nvmet_ns.readonly nvmet_ns.anagrpid"
decls="nvmet_req_init nvmet_req_complete nvmet_req_uninit nvmet_check_transfer_len
nvmet_sq_init nvmet_sq_destroy nvmet_register_transport nvmet_unregister_transport
nvmet_is_passthru_subsys nvmet_wq nvmet_config_sem"

die() {
	echo "vssd: error: $*" >&2
	exit 1
}

[ -r "$header" ] || die "cannot read $header"
# The header's tokens without comments, on one line: the C preprocessor
# removes the comments and keeps the directives (-fpreprocessed: nothing is
# expanded or included); each directive becomes a statement of its own.
set -o pipefail
flat=$(cpp -fpreprocessed -dD -P "$header" | sed 's/^[ \t]*#.*$/; & ;/' | tr -s ' \t\n' ' ') ||
	die "cannot read the tokens of $header with cpp (the C preprocessor, package cpp)"
[ -n "$flat" ] || die "$header has no declarations"

# Print the text of item NAME: a struct's definition from "struct NAME {"
# to its closing brace, or for a function or object, every declaration
# naming it (from the end of the statement before it to its ';' or, for an
# inline function, its body's closing brace).
item() {
	awk -v name="$1" -v kind="$2" '
	function body_end(s, from,   i, depth, c) {
		depth = 0
		for (i = from; i <= length(s); i++) {
			c = substr(s, i, 1)
			if (c == "{") depth++
			else if (c == "}" && --depth == 0) return i
		}
		return 0
	}
	{
		s = $0
		out = ""
		if (kind == "struct" || kind == "member") {
			split(name, part, ".")
			pat = "struct " part[1] " {"
			at = index(s, pat)
			if (at) {
				end = body_end(s, at)
				if (end) out = substr(s, at, end - at + 1)
			}
			# A member: its declaration in that definition.
			if (kind == "member" && out != "") {
				re = "[^;{}]*[^A-Za-z0-9_]" part[2] "( *\\[[^]]*\\])* *;"
				out = match(out, re) ? substr(out, RSTART, RLENGTH) : ""
			}
			print out
			exit
		}
		rest = s
		base = 0
		while (match(rest, "[^A-Za-z0-9_]" name "[^A-Za-z0-9_]")) {
			at = base + RSTART + 1
			# The statement it is in: from the last ; or } before it.
			start = at
			while (start > 1 && index(";}", substr(s, start - 1, 1)) == 0)
				start--
			stmt = substr(s, start)
			semi = index(stmt, ";")
			brace = index(stmt, "{")
			if (brace && (!semi || brace < semi)) {
				end = body_end(stmt, brace)
				stmt = substr(stmt, 1, end)
			} else if (semi) {
				stmt = substr(stmt, 1, semi)
			}
			# A declaration, not a use inside another body or macro.
			lb = index(stmt, "{")
			if (stmt ~ /^ *(extern |static |struct |void |bool |u16 |u8 |int |const )/ &&
			    (!lb || index(stmt, name) < lb))
				out = out stmt "\n"
			base += RSTART + RLENGTH - 1
			rest = substr(rest, RSTART + RLENGTH - 1)
		}
		printf "%s", out
	}' <<<"$flat"
}

line="$release"
for s in $structs; do
	text=$(item "$s" struct)
	[ -n "$text" ] || die "$header has no definition of struct $s (vssd_tcp needs it)"
	line="$line $s=$(printf '%s' "$text" | sha256sum | cut -c1-12)"
done
for m in $members; do
	text=$(item "$m" member)
	[ -n "$text" ] || die "$header has no member ${m#*.} in struct ${m%%.*} (vssd_tcp needs it)"
	line="$line $m=$(printf '%s' "$text" | sha256sum | cut -c1-12)"
done
for d in $decls; do
	text=$(item "$d" decl)
	[ -n "$text" ] || die "$header declares no $d (vssd_tcp needs it)"
	line="$line $d=$(printf '%s' "$text" | sha256sum | cut -c1-12)"
done

if [ -n "$print" ]; then
	echo "$line"
	exit 0
fi

# A listed line whose every item matches.
read -ra mine <<<"$line"
unmatched=""
for entry in "${mine[@]:1}"; do
	grep -v '^#' "$known" 2>/dev/null | grep -q -- " $entry\( \|$\)" ||
		unmatched="$unmatched ${entry%%=*}"
done
while read -r rel rest; do
	case "$rel" in '#'*|'') continue ;; esac
	same=1
	for entry in "${mine[@]:1}"; do
		case " $rest " in *" $entry "*) ;; *) same=0; break ;; esac
	done
	if [ $same = 1 ]; then
		[ "$rel" = "$release" ] || echo "vssd: nvmet.h of $release has the layout checked on $rel"
		exit 0
	fi
done <"$known"

msg="the nvmet.h of $release has a layout vssd_tcp has not been checked against"
if [ -n "$unmatched" ]; then
	msg="$msg: no checked kernel has its${unmatched}"
else
	msg="$msg: each item is known, but from different kernels"
fi
if [ "${VSSD_NVMET_UNCHECKED:-0}" = 1 ]; then
	echo "vssd: warning: $msg; building anyway (VSSD_NVMET_UNCHECKED=1)" >&2
	exit 0
fi
die "$msg.  Run make check with VSSD_NVMET_UNCHECKED=1 on that kernel and, once" \
    "it passes, add the line of tools/build/nvmet-layout.sh --print to" \
    "tools/build/nvmet-layouts (Documentation/building.rst)."
