// One test at a time: the S3 tests measure their own allocations and request order, and the
// archive-at-scale test measures CPU and wall time; neither may share the process with another test.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
