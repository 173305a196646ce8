/* Stand-ins for the Kerberos (GSSAPI) and LDAP functions that Debian's libpq.a refers to.
 *
 * inv links statically (start-up time, docs/benchmarks.md), and Debian ships no static
 * libgssapi_krb5 or complete static LDAP chain. Each stand-in fails the way libpq already
 * handles: gss_acquire_cred finds no credentials, so GSS encryption is skipped (gssencmode
 * "prefer") and GSS authentication is refused with an error; ldap_init fails, so an ldap://
 * service look-up is refused with an error. Linked only into the static build. */
#include <stddef.h>
#include <stdint.h>

typedef uint32_t OM_uint32;
typedef struct {
  size_t length;
  void* value;
} gss_buffer_desc;

#define GSS_S_COMPLETE 0u
#define GSS_S_FAILURE (13u << 16)

void* GSS_C_NT_HOSTBASED_SERVICE = NULL;

static OM_uint32 gss_fail(OM_uint32* minor) {
  if (minor != NULL) *minor = 0;
  return GSS_S_FAILURE;
}

OM_uint32 gss_acquire_cred(OM_uint32* minor, void* name, OM_uint32 time, void* mechs, int usage,
                           void* cred, void* actual_mechs, OM_uint32* time_rec) {
  (void)name, (void)time, (void)mechs, (void)usage, (void)cred, (void)actual_mechs, (void)time_rec;
  return gss_fail(minor);
}
OM_uint32 gss_import_name(OM_uint32* minor, void* buffer, void* type, void* name) {
  (void)buffer, (void)type, (void)name;
  return gss_fail(minor);
}
OM_uint32 gss_init_sec_context(OM_uint32* minor, void* cred, void* context, void* name, void* mech,
                               OM_uint32 flags, OM_uint32 time, void* bindings, void* input,
                               void* actual_mech, gss_buffer_desc* output, OM_uint32* ret_flags,
                               OM_uint32* time_rec) {
  (void)cred, (void)context, (void)name, (void)mech, (void)flags, (void)time, (void)bindings;
  (void)input, (void)actual_mech, (void)ret_flags, (void)time_rec;
  if (output != NULL) output->length = 0, output->value = NULL;
  return gss_fail(minor);
}
OM_uint32 gss_wrap(OM_uint32* minor, void* context, int conf, OM_uint32 qop, void* input,
                   int* conf_state, gss_buffer_desc* output) {
  (void)context, (void)conf, (void)qop, (void)input, (void)conf_state;
  if (output != NULL) output->length = 0, output->value = NULL;
  return gss_fail(minor);
}
OM_uint32 gss_unwrap(OM_uint32* minor, void* context, void* input, gss_buffer_desc* output,
                     int* conf_state, OM_uint32* qop) {
  (void)context, (void)input, (void)conf_state, (void)qop;
  if (output != NULL) output->length = 0, output->value = NULL;
  return gss_fail(minor);
}
OM_uint32 gss_wrap_size_limit(OM_uint32* minor, void* context, int conf, OM_uint32 qop,
                              OM_uint32 size, OM_uint32* max) {
  (void)context, (void)conf, (void)qop, (void)size;
  if (max != NULL) *max = 0;
  return gss_fail(minor);
}
/* libpq describes a failure in a loop of gss_display_status calls: one empty message, no more. */
OM_uint32 gss_display_status(OM_uint32* minor, OM_uint32 status, int type, void* mech,
                             OM_uint32* message_context, gss_buffer_desc* text) {
  (void)status, (void)type, (void)mech;
  if (minor != NULL) *minor = 0;
  if (message_context != NULL) *message_context = 0;
  if (text != NULL) text->length = 0, text->value = NULL;
  return GSS_S_COMPLETE;
}
static OM_uint32 gss_done(OM_uint32* minor) {
  if (minor != NULL) *minor = 0;
  return GSS_S_COMPLETE;
}
OM_uint32 gss_release_buffer(OM_uint32* minor, gss_buffer_desc* buffer) {
  if (buffer != NULL) buffer->length = 0, buffer->value = NULL;
  return gss_done(minor);
}
OM_uint32 gss_release_cred(OM_uint32* minor, void* cred) {
  (void)cred;
  return gss_done(minor);
}
OM_uint32 gss_release_name(OM_uint32* minor, void* name) {
  (void)name;
  return gss_done(minor);
}
OM_uint32 gss_delete_sec_context(OM_uint32* minor, void* context, void* output) {
  (void)context, (void)output;
  return gss_done(minor);
}

/* LDAP: ldap_init fails, and libpq reports "could not create LDAP structure". The rest are
 * never reached after that; they fail too, to be safe. */
void* ldap_init(const char* host, int port) {
  (void)host, (void)port;
  return NULL;
}
char* ldap_err2string(int error) {
  (void)error;
  return (char*)"LDAP is not supported by this static build of inv";
}
int ldap_set_option(void* ld, int option, const void* value) {
  (void)ld, (void)option, (void)value;
  return -1;
}
int ldap_simple_bind(void* ld, const char* who, const char* password) {
  (void)ld, (void)who, (void)password;
  return -1;
}
int ldap_search_st(void* ld, const char* base, int scope, const char* filter, char** attrs,
                   int attrsonly, void* timeout, void** result) {
  (void)ld, (void)base, (void)scope, (void)filter, (void)attrs, (void)attrsonly, (void)timeout;
  if (result != NULL) *result = NULL;
  return -1;
}
int ldap_result(void* ld, int msgid, int all, void* timeout, void** result) {
  (void)ld, (void)msgid, (void)all, (void)timeout;
  if (result != NULL) *result = NULL;
  return -1;
}
int ldap_count_entries(void* ld, void* chain) {
  (void)ld, (void)chain;
  return 0;
}
void* ldap_first_entry(void* ld, void* chain) {
  (void)ld, (void)chain;
  return NULL;
}
void** ldap_get_values_len(void* ld, void* entry, const char* attr) {
  (void)ld, (void)entry, (void)attr;
  return NULL;
}
void ldap_value_free_len(void** values) { (void)values; }
int ldap_msgfree(void* message) {
  (void)message;
  return 0;
}
int ldap_unbind(void* ld) {
  (void)ld;
  return 0;
}
