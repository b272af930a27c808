#!/usr/bin/env node
/** CDK app entry; `cdk.json` runs it with tsx. Everything else lives in lib/. */
import { createHooklakeApp } from '../lib/hooklake-app';

createHooklakeApp();
