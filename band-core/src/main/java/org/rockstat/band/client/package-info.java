/**
 * Calling other services over the platform's bus: {@link org.rockstat.band.client.RpcClient}.
 */
package org.rockstat.band.client;
