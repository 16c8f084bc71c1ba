/* args.c: argument helpers shared by the commands (cmd.h). */
#include <stdio.h>
#include <stdlib.h>

#include "cmd/cmd.h"

int cmd_parse_port(const char *opt, const char *value)
{
	char *end = NULL;
	long p = strtol(value, &end, 10);
	if (!*value || *end || p < 1 || p > 65535) {
		fprintf(stderr, "dnslab: %s '%s': a port is a number from 1 to 65535\n", opt, value);
		return -1;
	}
	return (int)p;
}
