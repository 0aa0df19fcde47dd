// libtorch keeps process-wide state that tests cannot isolate: the global generator (nn.init draws
// from it), the intra-op thread count, and BLAS kernel selection. Tests that assert bit-identical
// weights (same seed, capture/restore, kill/resume) would be flaky if another test class used torch
// concurrently, so the test classes run one after another. The whole suite still takes well under
// the CI budget.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
