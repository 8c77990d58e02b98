<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Model\Outbox;

/** A second destination for delivered events: Magento's message queue, when the shop runs one. */
interface EventSink
{
    public function publish(string $cloudEventJson): void;
}
