/** Saga step ConfigureNetwork: records the node the resource runs on and, for a VM, its address on the region's network. */
import type { ConfigureNetworkCommand, NetworkConfiguration } from '../../../shared/contracts/provisioning-saga.js';
import { NotFoundError } from '../../../shared/errors.js';
import { logger } from '../../../shared/powertools/index.js';
import { networkIdFor } from '../domain/ids.js';
import { type Clock, systemClock } from '../ports/clock.js';
import type { Resources } from '../ports/resources.js';

export async function configureNetwork(
  command: ConfigureNetworkCommand,
  ports: { resources: Resources; clock?: Clock },
): Promise<NetworkConfiguration> {
  const { nodeId, ipAddress } = command.worker;
  const network = command.type === 'vm' ? { nodeId, ipAddress, networkId: networkIdFor(command.region) } : { nodeId };
  const outcome = await ports.resources.recordNetwork(
    command.resourceId,
    network,
    (ports.clock ?? systemClock)().toISOString(),
  );
  if (outcome === 'MISSING') throw new NotFoundError('Resource', command.resourceId);
  logger.info('Network configured', { srn: command.srn, nodeId, ...(command.type === 'vm' ? { ipAddress } : {}) });
  return command.type === 'vm'
    ? { configured: true, networkId: networkIdFor(command.region), ipAddress }
    : { configured: false };
}
