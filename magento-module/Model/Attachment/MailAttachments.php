<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Model\Attachment;

/**
 * What an invoice e-mail carries besides its text: every attachment of the invoice, oldest
 * first, as a PDF file under its name. Two documents uploaded under one name keep both, the later
 * one renamed "name (2).pdf", so a mail client does not show two files it cannot tell apart.
 */
final class MailAttachments
{
    public function __construct(private AttachmentStore $store)
    {
    }

    /** @return list<array{file_name:string,mime_type:string,content:string}> */
    public function forInvoice(int $invoiceId): array
    {
        $parts = [];
        $seen = [];
        foreach ($this->store->withContentFor($invoiceId) as $attachment) {
            $name = $attachment['file_name'];
            $key = mb_strtolower($name, 'UTF-8');
            if (isset($seen[$key])) {
                $seen[$key]++;
                $dot = strrpos($name, '.');
                $name = $dot === false || $dot === 0
                    ? sprintf('%s (%d)', $name, $seen[$key])
                    : sprintf('%s (%d)%s', substr($name, 0, $dot), $seen[$key], substr($name, $dot));
            } else {
                $seen[$key] = 1;
            }
            $parts[] = ['file_name' => $name, 'mime_type' => $attachment['mime_type'], 'content' => $attachment['content']];
        }
        return $parts;
    }
}
