'use strict';
// A module that exports no claims or papers.
module.exports = { answer: 42 };
