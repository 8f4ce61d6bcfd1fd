// jemalloc's settings (node/CMakeLists.txt), read at its start; MALLOC_CONF
// in the environment overrides them. Freed pages go back to the system
// after a quarter of a second instead of ten (a bulk sync frees as fast as it
// allocates: peak RSS, BENCHMARKS.md), and two arenas serve the modest
// machines a council office runs. Linked into councild and into the
// benchmarks that measure the node's code in their own process.
extern "C" {
const char* malloc_conf = "dirty_decay_ms:250,muzzy_decay_ms:0,narenas:2";
}
