<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Model\Outbox;

/** HTTP POST with PHP's own stream wrapper: no extension beyond a stock PHP is needed. */
final class StreamWebhookTransport implements WebhookTransport
{
    private const ANSWER_BYTES = 2048;

    public function post(string $url, array $headers, string $body, int $timeoutSeconds): array
    {
        $scheme = strtolower((string) parse_url($url, PHP_URL_SCHEME));
        if ($scheme !== 'http' && $scheme !== 'https') {
            throw new \RuntimeException(sprintf('The webhook URL "%s" is not an http(s) URL.', $url));
        }
        $lines = [];
        foreach ($headers as $name => $value) {
            $lines[] = $name . ': ' . $value;
        }
        $context = stream_context_create(['http' => [
            'method' => 'POST',
            'header' => implode("\r\n", $lines),
            'content' => $body,
            'timeout' => $timeoutSeconds,
            'ignore_errors' => true,
            'follow_location' => 0,
        ]]);
        $stream = @fopen($url, 'rb', false, $context);
        if ($stream === false) {
            $error = error_get_last();
            throw new \RuntimeException('no answer from the webhook: ' . ($error['message'] ?? 'connection failed'));
        }
        $meta = stream_get_meta_data($stream);
        $answer = (string) stream_get_contents($stream, self::ANSWER_BYTES);
        fclose($stream);
        $status = 0;
        foreach ($meta['wrapper_data'] ?? [] as $line) {
            if (preg_match('#^HTTP/\S+\s+(\d{3})#', (string) $line, $m) === 1) {
                $status = (int) $m[1];
            }
        }
        return ['status' => $status, 'body' => $answer];
    }
}
