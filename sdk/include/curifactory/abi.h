/*
 * curifactory/abi.h - the only contract between the `experiment` host and a plugin.
 *
 * Plain C on purpose: a plugin built with another compiler, standard library or SDK release
 * keeps working as long as CF_ABI_VERSION matches. Rules that keep it stable:
 *   - every struct starts with (struct_size, abi_version); fields are only ever appended, so a
 *     reader checks struct_size before touching a field added later;
 *   - no C++ type, STL container, exception or allocation crosses this boundary: strings and
 *     byte buffers are (pointer, length) views, and data flowing back to the caller goes
 *     through a cf_sink the caller owns, so whoever allocates also frees;
 *   - functions return CF_OK or CF_ERROR; on error a one-line message goes to the error sink.
 *
 * A plugin exports one entry point per kind it implements (an experiment file that also
 * provides parameter sets exports two) and carries its metadata as NUL-terminated JSON
 * records in the ELF section CF_METADATA_SECTION, so the host can list it without loading it.
 * Experiment authors never include this file directly: <curifactory/curifactory.hpp> does.
 */
#ifndef CURIFACTORY_ABI_H
#define CURIFACTORY_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped on any incompatible change; the host refuses plugins built for another value. */
#define CF_ABI_VERSION 1

/* ELF section holding the metadata records: a sequence of NUL-terminated JSON objects, each
 * with "curifactory_abi": <version> and one of "kind" (with "sdk", and "name" for cachers)
 * or "description". */
#define CF_METADATA_SECTION ".curifactory"

/* Exported entry points, one per plugin kind. Each returns a pointer to a static struct. */
#define CF_EXPERIMENT_ENTRY "curifactory_experiment"
#define CF_PARAMS_ENTRY "curifactory_params"
#define CF_CACHER_ENTRY "curifactory_cacher"

typedef enum cf_status { CF_OK = 0, CF_ERROR = 1 } cf_status;

typedef enum cf_log_level {
  CF_LOG_DEBUG = 0,
  CF_LOG_INFO = 1,
  CF_LOG_WARNING = 2,
  CF_LOG_ERROR = 3
} cf_log_level;

/* A borrowed view of bytes (UTF-8 text or binary); valid only for the duration of the call. */
typedef struct cf_str {
  const char* data;
  size_t size;
} cf_str;

/* Where a callee writes a result of unknown length; may be called several times (appends). */
typedef struct cf_sink {
  void* ctx;
  void (*write)(void* ctx, const char* data, size_t size);
} cf_sink;

/* Services the host offers to a running experiment. Later ABI minor additions are appended;
 * check struct_size before using a field past `log`. */
typedef struct cf_host_api {
  uint32_t struct_size;
  uint32_t abi_version;
  void* ctx;
  void (*log)(void* ctx, cf_log_level level, cf_str message);
} cf_host_api;

/* Kind "experiment": returned by CF_EXPERIMENT_ENTRY. */
typedef struct cf_experiment_api {
  uint32_t struct_size;
  uint32_t abi_version;
  /* Runs the experiment over `param_sets_json`, a JSON array of parameter-set objects. */
  cf_status (*run)(const cf_host_api* host, cf_str param_sets_json, cf_sink error);
  /* Completes one parameter-set object with the defaults of the experiment's params struct
   * and validates it; writes the full object as JSON to `out`, with an added member
   * "hash_representations": {field: "<text hashed for it>" | {nested struct's fields}}
   * holding only the fields that count in the hash. */
  cf_status (*normalize_params)(cf_str param_set_json, cf_sink out, cf_sink error);
} cf_experiment_api;

/* Kind "params": returned by CF_PARAMS_ENTRY. */
typedef struct cf_params_api {
  uint32_t struct_size;
  uint32_t abi_version;
  /* Writes a JSON array of parameter-set objects (each may carry "name") to `out`. */
  cf_status (*get_params)(cf_sink out, cf_sink error);
} cf_params_api;

/* Kind "cacher": returned by CF_CACHER_ENTRY. Paths are absolute, options a JSON object. */
typedef struct cf_cacher_api {
  uint32_t struct_size;
  uint32_t abi_version;
  const char* name;      /* the name stages use to pick this cacher */
  const char* extension; /* appended to the cache path, with its dot, e.g. ".msgpack" */
  /* Writes `artifact` (MessagePack) to exactly `path`; the host handles atomic renames. */
  cf_status (*save)(cf_str path, cf_str artifact, cf_str options_json, cf_sink error);
  /* Reads `path` back and writes the MessagePack artifact to `out`. */
  cf_status (*load)(cf_str path, cf_str options_json, cf_sink out, cf_sink error);
} cf_cacher_api;

typedef const cf_experiment_api* (*cf_experiment_entry_fn)(void);
typedef const cf_params_api* (*cf_params_entry_fn)(void);
typedef const cf_cacher_api* (*cf_cacher_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* CURIFACTORY_ABI_H */
