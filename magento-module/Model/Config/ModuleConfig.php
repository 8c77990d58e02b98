<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Model\Config;

use Icsync\ErpSync\Model\Attachment\AttachmentLimits;

/** The module's settings (etc/adminhtml/system.xml, defaults in etc/config.xml). */
interface ModuleConfig extends AttachmentLimits
{
    public function eventsEnabled(): bool;

    /** @return list<string> event kinds to record: placed, invoiced, shipped, canceled, changed */
    public function eventTypes(): array;

    public function webhookUrl(): string;

    /** Decrypted; never logged. */
    public function webhookSecret(): string;

    public function maxAttempts(): int;

    public function publishToQueue(): bool;

    /** The host in the events' source, magento://<host>/icsync: the shop's base URL host. */
    public function sourceHost(): string;
}
