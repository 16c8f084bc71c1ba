/* valreport.c: the names of the RFC 4035 security states (see valreport.h). */
#include "resolver/valreport.h"

const char *val_security_name(enum val_security s)
{
	switch (s) {
	case VAL_UNCHECKED: return "unchecked";
	case VAL_SECURE: return "secure";
	case VAL_INSECURE: return "insecure";
	case VAL_BOGUS: return "bogus";
	}
	return "unchecked";
}
