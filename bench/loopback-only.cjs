// Preloaded into the peer gateway, which has no listen-address option: a server started on a bare port
// listens on 127.0.0.1 only, so the bench never opens a port beyond loopback.
'use strict';
const net = require('net');
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' && (args.length === 1 || typeof args[1] === 'function')) {
    args.splice(1, 0, '127.0.0.1');
  } else if (args[0] && typeof args[0] === 'object' && args[0].port !== undefined && !args[0].host) {
    args[0] = {...args[0], host: '127.0.0.1'};
  }
  return listen.apply(this, args);
};
