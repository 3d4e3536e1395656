;; hostile-no-abi: a valid module that exports only its memory: no
;; fluent_abi_version, fluent_alloc or execute_request. The host must refuse
;; it at load with ABI_MISMATCH.
(module
  (memory (export "memory") 1)
)
