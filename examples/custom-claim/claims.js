'use strict';
// The papers this project checks: one line per paper pack (its folder). `claimcheck ... --claims-from ./claims.js`
// and the API (claimsFrom: ['./claims.js']) load this module, and so do claimcheck's worker processes.
module.exports = [
  require('./paper-p'),
  // require('./paper-q'),   <- adding a paper: its folder, and this one line
];
