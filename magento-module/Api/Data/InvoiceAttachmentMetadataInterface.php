<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Api\Data;

/**
 * An attachment of an invoice, without its content.
 *
 * @api
 */
interface InvoiceAttachmentMetadataInterface
{
    /**
     * @return int
     */
    public function getAttachmentId();

    /**
     * @return int
     */
    public function getInvoiceId();

    /**
     * @return string
     */
    public function getFileName();

    /**
     * @return string
     */
    public function getMimeType();

    /**
     * Size in bytes.
     *
     * @return int
     */
    public function getSize();

    /**
     * SHA-256 of the content, lowercase hex.
     *
     * @return string
     */
    public function getSha256();

    /**
     * When it was stored, UTC, YYYY-MM-DD HH:MM:SS.
     *
     * @return string
     */
    public function getCreatedAt();
}
