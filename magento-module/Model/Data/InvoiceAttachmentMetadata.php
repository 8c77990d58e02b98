<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Model\Data;

use Icsync\ErpSync\Api\Data\InvoiceAttachmentMetadataInterface;

/** Read-only metadata row, built from the store's array. */
final class InvoiceAttachmentMetadata implements InvoiceAttachmentMetadataInterface
{
    /** @param array{attachment_id:int,invoice_id:int,file_name:string,mime_type:string,size:int,sha256:string,created_at:string} $row */
    public function __construct(private array $row = [])
    {
    }

    public function getAttachmentId()
    {
        return (int) $this->row['attachment_id'];
    }

    public function getInvoiceId()
    {
        return (int) $this->row['invoice_id'];
    }

    public function getFileName()
    {
        return (string) $this->row['file_name'];
    }

    public function getMimeType()
    {
        return (string) $this->row['mime_type'];
    }

    public function getSize()
    {
        return (int) $this->row['size'];
    }

    public function getSha256()
    {
        return (string) $this->row['sha256'];
    }

    public function getCreatedAt()
    {
        return (string) $this->row['created_at'];
    }
}
