<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Model\Outbox;

interface WebhookTransport
{
    /**
     * POSTs the body; returns the HTTP status and the first bytes of the answer.
     *
     * @param array<string, string> $headers
     * @return array{status:int, body:string}
     * @throws \RuntimeException when no answer came (connection refused, timeout)
     */
    public function post(string $url, array $headers, string $body, int $timeoutSeconds): array;
}
