<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Model\Outbox;

use Icsync\ErpSync\Model\Clock;
use Icsync\ErpSync\Model\Config\ModuleConfig;
use Icsync\ErpSync\Model\Webhook\Signer;

/**
 * Delivers the outbox in outbox_id order, at least once (receivers drop repeats by the event id).
 * A failed delivery waits with growing pauses and holds back the events behind it, so no later
 * event of an order overtakes an earlier one; after the configured number of attempts it is
 * parked (kept, listed by icsync:outbox:status, no longer retried) and the queue moves on.
 */
final class Deliverer
{
    public const FIRST_PAUSE_SECONDS = 30;
    public const LONGEST_PAUSE_SECONDS = 3600;
    public const TIMEOUT_SECONDS = 10;

    public function __construct(
        private OutboxStore $store,
        private WebhookTransport $transport,
        private ModuleConfig $config,
        private Clock $clock,
        private ?EventSink $queue = null
    ) {
    }

    /** Pause after the n-th failed attempt: 30 s, 60 s, 120 s, … at most an hour. */
    public static function pauseAfter(int $attempts): int
    {
        return (int) min(self::LONGEST_PAUSE_SECONDS, self::FIRST_PAUSE_SECONDS * (2 ** max(0, min(20, $attempts - 1))));
    }

    /**
     * One delivery pass.
     *
     * @return array{delivered:int, failed:int, parked:int, waiting:int, message:?string}
     */
    public function run(int $limit = 100): array
    {
        $result = ['delivered' => 0, 'failed' => 0, 'parked' => 0, 'waiting' => 0, 'message' => null];
        if (!$this->config->eventsEnabled()) {
            $result['message'] = 'Delivery of order events is switched off (Stores > Configuration > Sales > icsync ERP Sync > Order events).';
            return $result;
        }
        $url = $this->config->webhookUrl();
        $toQueue = $this->config->publishToQueue() && $this->queue !== null;
        if ($url === '' && !$toQueue) {
            $result['message'] = 'No webhook URL is configured and the message queue is off: nothing to deliver to.';
            return $result;
        }
        $secret = $this->config->webhookSecret();
        if ($url !== '' && $secret === '') {
            $result['message'] = 'The webhook secret is empty: icsync would refuse unsigned events. Set it first.';
            return $result;
        }
        foreach ($this->store->pending($limit) as $row) {
            $now = $this->clock->now();
            $notBefore = $row['next_attempt_at'] ?? null;
            if ($notBefore !== null && $notBefore > $now->format('Y-m-d H:i:s')) {
                // The head of the queue is pausing after a failure; the rest waits behind it.
                $result['waiting']++;
                break;
            }
            $error = $this->deliverOne((string) $row['payload'], $url, $secret, $toQueue, $now);
            $id = (int) $row['outbox_id'];
            if ($error === null) {
                $this->store->markDelivered($id, $now->format('Y-m-d H:i:s'));
                $result['delivered']++;
                continue;
            }
            $attempts = (int) $row['attempts'] + 1;
            if ($attempts >= $this->config->maxAttempts()) {
                $this->store->park($id, $attempts, $error);
                $result['parked']++;
                continue;
            }
            $next = $now->modify('+' . self::pauseAfter($attempts) . ' seconds')->format('Y-m-d H:i:s');
            $this->store->markFailed($id, $attempts, $next, $error);
            $result['failed']++;
            break;
        }
        return $result;
    }

    /** null when delivered, otherwise what went wrong (never the secret). */
    private function deliverOne(string $payload, string $url, string $secret, bool $toQueue, \DateTimeImmutable $now): ?string
    {
        if ($url !== '') {
            $headers = [
                'Content-Type' => 'application/cloudevents+json; charset=utf-8',
                Signer::HEADER => Signer::header($secret, $now->getTimestamp(), $payload),
            ];
            try {
                $answer = $this->transport->post($url, $headers, $payload, self::TIMEOUT_SECONDS);
            } catch (\RuntimeException $e) {
                return $e->getMessage();
            }
            if ($answer['status'] < 200 || $answer['status'] >= 300) {
                $text = trim(preg_replace('/\s+/', ' ', $answer['body']) ?? '');
                return sprintf('HTTP %d from the webhook%s', $answer['status'], $text === '' ? '' : ': ' . mb_substr($text, 0, 300, 'UTF-8'));
            }
        }
        if ($toQueue && $this->queue !== null) {
            try {
                $this->queue->publish($payload);
            } catch (\Throwable $e) {
                return 'message queue: ' . $e->getMessage();
            }
        }
        return null;
    }
}
