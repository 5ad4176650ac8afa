#!/usr/bin/env node
// dist/bundle is the compiled CLI bundled into a few files (scripts/bundle.mjs): start-up cost
// counts in every sync the benchmark measures.
import '../dist/bundle/main.js';
