<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Model\Attachment;

use Symfony\Component\Mime\Email;
use Symfony\Component\Mime\Part\DataPart;
use Symfony\Component\Mime\Part\Multipart\MixedPart;

/**
 * Magento 2.4.8+ (Symfony Mime): the mail's body becomes multipart/mixed, its own body first,
 * then one PDF part per document.
 */
final class SymfonyMailAttachments
{
    /** @param list<array{file_name:string,mime_type:string,content:string}> $files */
    public function attach(Email $email, array $files): void
    {
        if ($files === []) {
            return;
        }
        $parts = array_map(fn (array $file) => new DataPart($file['content'], $file['file_name'], $file['mime_type'], 'base64'), $files);
        $email->setBody(new MixedPart($email->getBody(), ...$parts));
    }
}
