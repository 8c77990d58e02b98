<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Model\Attachment;

interface AttachmentStore
{
    /** The id of the attachment of this invoice with these bytes and this name, if stored. */
    public function findSame(int $invoiceId, string $sha256, string $fileName): ?int;

    /** @param array{invoice_id:int,file_name:string,mime_type:string,size:int,sha256:string,content:string,created_at:string} $row */
    public function insert(array $row): int;

    /** Metadata (no content), oldest first. @return list<array{attachment_id:int,invoice_id:int,file_name:string,mime_type:string,size:int,sha256:string,created_at:string}> */
    public function listFor(int $invoiceId): array;

    /** One attachment with its content, or null. @return array{attachment_id:int,invoice_id:int,file_name:string,mime_type:string,size:int,sha256:string,created_at:string,content:string}|null */
    public function get(int $attachmentId): ?array;

    /** Every attachment of the invoice with its content, oldest first. */
    public function withContentFor(int $invoiceId): array;
}
