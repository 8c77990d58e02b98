<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Model\Config;

use Icsync\ErpSync\Model\Outbox\EventTypes;
use Magento\Framework\App\Config\ScopeConfigInterface;
use Magento\Framework\Encryption\EncryptorInterface;

/** ModuleConfig from Magento's configuration, default scope. */
final class ScopeModuleConfig implements ModuleConfig
{
    private const PREFIX = 'icsync_erpsync/';

    public function __construct(private ScopeConfigInterface $scopeConfig, private EncryptorInterface $encryptor)
    {
    }

    public function maxBytes(): int
    {
        $value = (int) $this->value('attachments/max_bytes');
        return $value > 0 ? $value : 5242880;
    }

    public function eventsEnabled(): bool
    {
        return $this->value('events/enabled') === '1';
    }

    public function eventTypes(): array
    {
        $listed = array_map('trim', explode(',', $this->value('events/types')));
        return array_values(array_intersect(EventTypes::ALL, $listed));
    }

    public function webhookUrl(): string
    {
        return trim($this->value('events/webhook_url'));
    }

    public function webhookSecret(): string
    {
        $stored = $this->value('events/webhook_secret');
        return $stored === '' ? '' : $this->encryptor->decrypt($stored);
    }

    public function maxAttempts(): int
    {
        return max(1, (int) $this->value('events/max_attempts'));
    }

    public function publishToQueue(): bool
    {
        return $this->value('events/message_queue') === '1';
    }

    public function sourceHost(): string
    {
        $host = parse_url((string) $this->scopeConfig->getValue('web/unsecure/base_url'), PHP_URL_HOST);
        return is_string($host) && $host !== '' ? $host : 'localhost';
    }

    private function value(string $path): string
    {
        return (string) $this->scopeConfig->getValue(self::PREFIX . $path);
    }
}
