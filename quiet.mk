# SPDX-License-Identifier: GPL-2.0
#
# Quiet commands, as kbuild prints them: "  CC      user/util.o" instead of
# the command line, which V=1 prints in full (V=1 reaches kbuild too). Each
# Makefile includes this and writes a step as
#
#	$(say) CC $(here)$@
#	$(Q)$(CC) ... -o $@ $<
#
# $(here) is the Makefile's directory from the top of the tree, so the
# short lines name files as a user finds them. $(S) goes on the command
# line of a make of our own (not kbuild's, which reads -s as "say
# nothing"): it keeps "Nothing to be done" and "is up to date" quiet.
top_dir := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
here := $(patsubst $(top_dir)/%,%/,$(filter-out $(top_dir),$(CURDIR)))

V ?= 0
ifeq ($(V),1)
Q :=
S :=
say := @:
else
Q := @
S := -s
say := @printf '  %-7s %s\n'
MAKEFLAGS += --no-print-directory
endif
