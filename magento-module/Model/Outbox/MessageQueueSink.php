<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Model\Outbox;

use Magento\Framework\MessageQueue\PublisherInterface;

/** Publishes to the topic of etc/communication.xml (a string message: the CloudEvent JSON). */
final class MessageQueueSink implements EventSink
{
    public const TOPIC = 'icsync.order.event';

    public function __construct(private PublisherInterface $publisher)
    {
    }

    public function publish(string $cloudEventJson): void
    {
        $this->publisher->publish(self::TOPIC, $cloudEventJson);
    }
}
