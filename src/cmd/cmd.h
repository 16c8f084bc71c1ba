/* cmd.h: the dnslab commands, one file each under src/cmd/.  Each takes the
 * arguments after its name and returns the process exit status. */
#ifndef DNSLAB_CMD_H
#define DNSLAB_CMD_H

struct cmd {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
};

int cmd_serve(int argc, char **argv);
int cmd_query(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_resolve(int argc, char **argv);
int cmd_keygen(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_ds(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_chain(int argc, char **argv);
int cmd_walk(int argc, char **argv);
/* `dnslab dns101` (argv[0] is the session) and `dnslab demo SESSION`. */
int cmd_session(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_sessions(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_reset(int argc, char **argv);
int cmd_registrar(int argc, char **argv);

/* Parse a port number for option opt; prints the error and returns -1. */
int cmd_parse_port(const char *opt, const char *value);

#endif
