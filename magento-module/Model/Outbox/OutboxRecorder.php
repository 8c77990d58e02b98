<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Model\Outbox;

use Icsync\ErpSync\Model\Clock;
use Icsync\ErpSync\Model\Config\ModuleConfig;

/**
 * Writes the events of one order save into the outbox. Called by the observers inside the
 * save's transaction, so an event exists exactly when its order change was committed.
 */
final class OutboxRecorder
{
    public function __construct(
        private OrderEventDetector $detector,
        private CloudEventFactory $factory,
        private OutboxStore $store,
        private ModuleConfig $config,
        private Clock $clock
    ) {
    }

    /** @return list<array> the events written */
    public function recordOrderSave(?array $before, array $after): array
    {
        return $this->write($this->detector->forOrder($before, $after), $after);
    }

    /** @param array $order the order's facts (entity_id, increment_id, store_code, state, status, updated_at) */
    public function recordAddressSave(?array $before, array $afterAddress, string $addressType, array $order): array
    {
        return $this->write($this->detector->forAddress($before, $afterAddress, $addressType), $order);
    }

    private function write(array $detected, array $order): array
    {
        $wanted = $this->config->eventTypes();
        $now = $this->clock->now();
        $written = [];
        foreach ($detected as $event) {
            if (!in_array($event['kind'], $wanted, true)) {
                continue;
            }
            $cloudEvent = $this->factory->create($event['kind'], $order, CloudEventFactory::newId(), $this->config->sourceHost(), $now, $event['changed'] ?? []);
            $this->store->append($cloudEvent, (int) $order['entity_id'], $now->format('Y-m-d H:i:s'));
            $written[] = $cloudEvent;
        }
        return $written;
    }
}
