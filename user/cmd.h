/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llctl's commands: one file per command, user/cmd-NAME.c, exporting
 * cmd_NAME(); llctl.c's table dispatches to them and prints their
 * summaries. A command parses and checks its options, then sets up, runs
 * and reports through the library in the folders below it; no library
 * file calls a command.
 */
#ifndef LLCTL_CMD_H
#define LLCTL_CMD_H

int cmd_info(int argc, char **argv);
int cmd_doctor(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_events(int argc, char **argv);
int cmd_profile(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_fence(int argc, char **argv);
int cmd_coherency(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_metrics(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_layout(int argc, char **argv);
int cmd_top(int argc, char **argv);

#endif /* LLCTL_CMD_H */
