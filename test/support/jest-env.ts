// Keeps test output readable on Node 20: the SDK's Node-version notice is not a test result.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
