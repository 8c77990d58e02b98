<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Api\Data;

/**
 * A document to attach to an invoice (request body "attachment").
 *
 * @api
 */
interface InvoiceAttachmentInterface
{
    /**
     * File name shown to the buyer, e.g. racun-2026-000123.pdf (no / \ or NUL, at most 255 characters).
     *
     * @return string|null
     */
    public function getFileName();

    /**
     * @param string $fileName
     * @return $this
     */
    public function setFileName($fileName);

    /**
     * MIME type; only application/pdf is accepted.
     *
     * @return string|null
     */
    public function getMimeType();

    /**
     * @param string $mimeType
     * @return $this
     */
    public function setMimeType($mimeType);

    /**
     * The document, base64-encoded.
     *
     * @return string|null
     */
    public function getContent();

    /**
     * @param string $content
     * @return $this
     */
    public function setContent($content);
}
