<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Model\Config;

use Icsync\ErpSync\Model\Outbox\EventTypes;

/** ModuleConfig from a plain array: the test harness and unit tests (keys as in etc/config.xml). */
final class ArrayModuleConfig implements ModuleConfig
{
    public function __construct(private array $values = [])
    {
    }

    public function with(array $values): self
    {
        return new self(array_merge($this->values, $values));
    }

    public function maxBytes(): int
    {
        return (int) ($this->values['max_bytes'] ?? 5242880);
    }

    public function eventsEnabled(): bool
    {
        return (bool) ($this->values['enabled'] ?? true);
    }

    public function eventTypes(): array
    {
        return $this->values['types'] ?? EventTypes::ALL;
    }

    public function webhookUrl(): string
    {
        return (string) ($this->values['webhook_url'] ?? '');
    }

    public function webhookSecret(): string
    {
        return (string) ($this->values['webhook_secret'] ?? '');
    }

    public function maxAttempts(): int
    {
        return (int) ($this->values['max_attempts'] ?? 10);
    }

    public function publishToQueue(): bool
    {
        return (bool) ($this->values['message_queue'] ?? false);
    }

    public function sourceHost(): string
    {
        return (string) ($this->values['source_host'] ?? 'shop.example.com');
    }
}
