// A shared library that is no plugin (built without the SDK, so without a metadata section): the
// kind a project's plugins link and may keep beside them.
extern "C" int plain_library_answer() {
  return 42;
}
