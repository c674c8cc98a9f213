'use strict';
// A plug-in that reuses a built-in claim id: loading it is an error naming the id.
const { defineClaim } = require('claimcheck');
const { threshold } = require('./claims');

module.exports = defineClaim({ ...threshold, id: 'A.asm', source: { ...threshold.source, paper: 'A' } });
