// Runs in every Jest worker before its tests (and is inherited by the child processes they start).
// The AWS SDK warns once per process that its releases after January 2027 need Node 22; the SDK
// is pinned by the lockfile and Lambda runs Node 24, so the warning is only noise in test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
