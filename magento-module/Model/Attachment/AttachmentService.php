<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Model\Attachment;

use Icsync\ErpSync\Model\Clock;

/**
 * Invoice attachments: every rule of docs/magento-module-api.md, in the order the contract
 * lists them. Plain PHP, so the same class serves Magento's web API and the test harness.
 */
final class AttachmentService
{
    public const PDF = 'application/pdf';

    public function __construct(
        private AttachmentStore $store,
        private InvoiceLookup $invoices,
        private AttachmentLimits $limits,
        private Clock $clock
    ) {
    }

    /**
     * Stores the document and returns its id; the same bytes under the same name for the same
     * invoice return the id stored first (a retried upload after a timeout stores nothing new).
     *
     * @throws AttachmentRejected
     */
    public function add(int $invoiceId, ?string $fileName, ?string $mimeType, ?string $content): int
    {
        if (!$this->invoices->exists($invoiceId)) {
            throw AttachmentRejected::invoiceNotFound();
        }
        $fileName = trim((string) $fileName);
        $mimeType = strtolower(trim((string) $mimeType));
        // Base64 may arrive wrapped in lines (MIME style); the line breaks carry nothing.
        $content = (string) preg_replace('/\s+/', '', (string) $content);
        foreach (['file_name' => $fileName, 'mime_type' => $mimeType, 'content' => $content] as $field => $value) {
            if ($value === '') {
                throw AttachmentRejected::required($field);
            }
        }
        if (preg_match('#[/\\\\\x00]#', $fileName) === 1 || mb_strlen($fileName, 'UTF-8') > 255) {
            throw AttachmentRejected::input('The file name "%1" is not valid.', [$fileName]);
        }
        if ($mimeType !== self::PDF) {
            throw AttachmentRejected::input('The attachment type "%1" is not allowed. Only PDF documents can be attached.', [$mimeType]);
        }
        if (preg_match('#^[A-Za-z0-9+/]*={0,2}$#', $content) !== 1 || strlen($content) % 4 !== 0) {
            throw AttachmentRejected::input('The attachment content is not valid base64.');
        }
        // The size is known before decoding (3 bytes per 4 characters): a huge body is refused unread.
        $padding = str_ends_with($content, '==') ? 2 : (str_ends_with($content, '=') ? 1 : 0);
        $size = intdiv(strlen($content), 4) * 3 - $padding;
        $limit = $this->limits->maxBytes();
        if ($size > $limit) {
            throw AttachmentRejected::input('The attachment is larger than the allowed %1 bytes.', [$limit]);
        }
        $bytes = base64_decode($content, true);
        if ($bytes === false) {
            throw AttachmentRejected::input('The attachment content is not valid base64.');
        }
        if (!str_starts_with($bytes, '%PDF-')) {
            throw AttachmentRejected::input('The attachment content is not a PDF document.');
        }
        $sha256 = hash('sha256', $bytes);
        $same = $this->store->findSame($invoiceId, $sha256, $fileName);
        if ($same !== null) {
            return $same;
        }
        try {
            return $this->store->insert([
                'invoice_id' => $invoiceId,
                'file_name' => $fileName,
                'mime_type' => $mimeType,
                'size' => strlen($bytes),
                'sha256' => $sha256,
                'content' => $bytes,
                'created_at' => $this->clock->now()->setTimezone(new \DateTimeZone('UTC'))->format('Y-m-d H:i:s'),
            ]);
        } catch (\Exception $e) {
            // Two uploads of the same file at once (a retry racing its original): the table's unique
            // key (invoice, sha256, name) let one in; the other answers with that one's id.
            return $this->store->findSame($invoiceId, $sha256, $fileName) ?? throw $e;
        }
    }

    /**
     * Metadata of the invoice's attachments, never their content.
     *
     * @throws AttachmentRejected
     */
    public function listFor(int $invoiceId): array
    {
        if (!$this->invoices->exists($invoiceId)) {
            throw AttachmentRejected::invoiceNotFound();
        }
        return $this->store->listFor($invoiceId);
    }
}
