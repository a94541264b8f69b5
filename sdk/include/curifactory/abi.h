/*
 * curifactory/abi.h - the only contract between the `experiment` host and a plugin.
 *
 * Plain C on purpose: a plugin built with another compiler, standard library or SDK release
 * keeps working as long as CF_ABI_VERSION matches. Rules that keep it stable:
 *   - every struct starts with (struct_size, abi_version); fields are only ever appended, so a
 *     reader checks struct_size before touching a field added later;
 *   - an array of structs the other side reads carries its element size next to its count, so
 *     the element struct can grow the same way;
 *   - fields appended within one CF_ABI_VERSION are labelled with the CF_ABI_REVISION that
 *     added them; whether one is present is told by struct_size alone, never by the revision;
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
/* Bumped whenever fields are appended within CF_ABI_VERSION (see the labels below). */
#define CF_ABI_REVISION 4

/* ELF section holding the metadata records: a sequence of NUL-terminated JSON objects, each
 * with "curifactory_abi": <version> and one of "kind" (with "sdk", "name" for cachers and
 * "source", the file that defines the entry point, for experiments) or "description". */
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

/* ---- Artifacts ---------------------------------------------------------------------------
 * A stage output crosses the boundary as one MessagePack value. A typed numeric array is one
 * MessagePack extension object of type CF_MSGPACK_TYPED_ARRAY, so a large array is a single
 * contiguous block (one memcpy, no per-element loop). Its payload:
 *   byte 0     element type (cf_dtype)
 *   byte 1     number of dimensions d (0 to CF_MAX_DIMS)
 *   bytes 2-7  zero
 *   then d little-endian uint64 extents, then the elements, little-endian, row-major.
 * Opaque byte blobs are MessagePack bin objects. */
#define CF_MSGPACK_TYPED_ARRAY 1
#define CF_MAX_DIMS 8

typedef enum cf_dtype {
  CF_DTYPE_BOOL = 1, /* one byte, 0 or 1 */
  CF_DTYPE_INT8 = 2,
  CF_DTYPE_UINT8 = 3,
  CF_DTYPE_INT16 = 4,
  CF_DTYPE_UINT16 = 5,
  CF_DTYPE_INT32 = 6,
  CF_DTYPE_UINT32 = 7,
  CF_DTYPE_INT64 = 8,
  CF_DTYPE_UINT64 = 9,
  CF_DTYPE_FLOAT32 = 10,
  CF_DTYPE_FLOAT64 = 11
} cf_dtype;

/* ---- Stages ------------------------------------------------------------------------------
 * run() is called twice in DAG mode: first in the map pass, where every stage call only
 * declares itself (stage_begin answers CF_STAGE_MAP), then for real. The host owns the graph
 * and every cache decision; the plugin owns the live objects and does what the plan says. */
typedef enum cf_stage_action {
  CF_STAGE_MAP = 0,     /* map pass: declare only, do not call the stage function */
  CF_STAGE_EXECUTE = 1, /* call the function, hand every output to stage_output */
  CF_STAGE_LOAD = 2,    /* all outputs are cached: fetch the non-lazy ones with artifact_load */
  CF_STAGE_SKIP = 3     /* no goal needs this stage: do nothing, its outputs stay absent */
} cf_stage_action;

#define CF_STAGE_AGGREGATE 1u               /* an aggregate stage over input_records */
#define CF_STAGE_SUPPRESS_MISSING_INPUTS 2u /* a missing input is passed as empty, not an error */

typedef struct cf_output_decl {
  cf_str name;
  cf_str cacher;       /* cacher name; empty: the output is not cached */
  cf_str options_json; /* cacher options as a JSON object ({"subdir": ...}); empty means {} */
  uint32_t lazy;       /* nonzero: the author asked for the output to stay on disk until read */
} cf_output_decl;

typedef struct cf_stage_decl {
  uint32_t struct_size;
  uint32_t flags; /* CF_STAGE_* bits */
  cf_str name;
  const cf_str* inputs;
  size_t input_count;
  const cf_output_decl* outputs;
  size_t output_count;
  const uint64_t* input_records; /* aggregate stages: the records whose inputs it reads */
  size_t input_record_count;

  /* ---- revision 4 ---- */
  /* sizeof(cf_output_decl) as the plugin was built: the stride of `outputs`. Absent or 0: the
   * size of revision 1's cf_output_decl. */
  size_t output_decl_size;
} cf_stage_decl;

typedef struct cf_stage_plan {
  uint32_t struct_size;
  uint32_t action; /* a cf_stage_action, set by the host */
  uint64_t stage;  /* set by the host: the handle for stage_output, artifact_load, stage_end */
  uint8_t* lazy;   /* caller-owned, one entry per output: the host sets 1 where the output
                      stays on disk (dropped after saving, not read on load) */
} cf_stage_plan;

/* Services the host offers to a running experiment. Fields are only appended; check
 * struct_size before using a field past `log` (hosts of revision 0 stop there). */
typedef struct cf_host_api {
  uint32_t struct_size;
  uint32_t abi_version;
  void* ctx;
  void (*log)(void* ctx, cf_log_level level, cf_str message);

  /* ---- revision 1 ---- */
  uint32_t flags; /* CF_HOST_MAPPING during the map pass */
  /* A record for a parameter set: `params_json` is the set as normalize_params writes it
   * (with "hash_representations"); empty for a record without parameters. The host writes
   * the set's hash to `hash` (nothing without parameters). */
  cf_status (*record_create)(void* ctx, cf_str params_json, uint64_t* record, cf_sink hash, cf_sink error);
  /* A copy of `source` that shares its stages and state so far; `params_json` empty keeps
   * the source's parameters. The copy lists the source as an input record. */
  cf_status (*record_copy)(void* ctx, uint64_t source, cf_str params_json, uint64_t* record, cf_sink hash,
                           cf_sink error);
  /* The experiment put `artifact` into the record's state outside any stage. */
  cf_status (*record_set)(void* ctx, uint64_t record, cf_str artifact, cf_sink error);
  /* Declares a stage call on `record` and fills `plan`. Errors (an unknown cacher, a missing
   * input, a graph that differs from the map pass) name the stage and the record. */
  cf_status (*stage_begin)(void* ctx, uint64_t record, const cf_stage_decl* decl, cf_stage_plan* plan,
                           cf_sink error);
  /* After CF_STAGE_EXECUTE: output number `output`, encoded. The host caches it. */
  cf_status (*stage_output)(void* ctx, uint64_t stage, size_t output, cf_str artifact, cf_sink error);
  /* Writes output number `output` of `stage` (a loaded or lazy one) to `out`, encoded. */
  cf_status (*artifact_load)(void* ctx, uint64_t stage, size_t output, cf_sink out, cf_sink error);
  /* Ends a stage call; `failure` is empty on success, else the exception text. */
  cf_status (*stage_end)(void* ctx, uint64_t stage, cf_str failure, cf_sink error);

  /* ---- revision 2 ---- */
  /* Something the executing stage `stage` shows in the run's report: `kind` is one of "json",
   * "table", "line_plot", "image", "html", "text"; `group` is "" for none; `payload_json` is
   * described in reports/report_model.hpp (for an image, {"path": "<file>"}). */
  cf_status (*report)(void* ctx, uint64_t stage, cf_str kind, cf_str name, cf_str group, cf_str payload_json,
                      cf_sink error);

  /* ---- revision 3 ---- */
  /* Writes to `size` what artifact_load of the same output is expected to write, in bytes: the
   * cacher's answer (cf_cacher_api::load_size) or a guess from the cache file's size (exact for
   * the raw cacher), 0 when unknown.
   * A reader reserves that much first, so a large artifact arriving in pieces is not copied
   * again every time its buffer doubles. Only a hint: the load may write more or less. */
  cf_status (*artifact_size_hint)(void* ctx, uint64_t stage, size_t output, uint64_t* size, cf_sink error);
} cf_host_api;

#define CF_HOST_MAPPING 1u

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

  /* ---- revision 1 ---- */
  /* Writes the stages declared at namespace scope as a JSON array of {"name", "aggregate",
   * "inputs": [..], "outputs": [{"name", "cacher", "options", "lazy"}], "error"}, so the host
   * can reject a bad declaration (an unknown cacher, a wrong argument count) before run(). */
  cf_status (*describe_stages)(cf_sink out, cf_sink error);
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

  /* ---- revision 3 ---- */
  /* How many bytes load() of `path` will write, 0 when the cacher cannot tell cheaply (the host
   * then guesses from the file's size). May be NULL. Never fails: any problem answers 0. */
  uint64_t (*load_size)(cf_str path, cf_str options_json);
} cf_cacher_api;

typedef const cf_experiment_api* (*cf_experiment_entry_fn)(void);
typedef const cf_params_api* (*cf_params_entry_fn)(void);
typedef const cf_cacher_api* (*cf_cacher_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* CURIFACTORY_ABI_H */
