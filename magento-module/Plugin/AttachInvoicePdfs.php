<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Plugin;

use Icsync\ErpSync\Model\Attachment\MailAttachments;
use Icsync\ErpSync\Model\Attachment\PendingInvoiceEmail;
use Magento\Framework\Mail\MimeMessageInterfaceFactory;
use Magento\Framework\Mail\MimePartInterfaceFactory;

/**
 * Adds the invoice's documents to the MIME message of an invoice mail. Magento 2.4 (up to 2.4.7,
 * Laminas mail) builds the body as `MimeMessageInterfaceFactory::create(['parts' => [...]])`
 * inside TransportBuilder::prepareMessage(); extra parts given here make it multipart/mixed.
 */
final class AttachInvoicePdfs
{
    public function __construct(
        private PendingInvoiceEmail $pending,
        private MailAttachments $attachments,
        private MimePartInterfaceFactory $partFactory
    ) {
    }

    public function beforeCreate(MimeMessageInterfaceFactory $subject, array $data = [])
    {
        $invoiceId = $this->pending->current();
        if ($invoiceId === null || !isset($data['parts']) || !is_array($data['parts'])) {
            return null;
        }
        $files = $this->attachments->forInvoice($invoiceId);
        if ($files === []) {
            return null;
        }
        $this->pending->markAttached();
        foreach ($files as $file) {
            $data['parts'][] = $this->partFactory->create([
                'content' => $file['content'],
                'type' => $file['mime_type'],
                'fileName' => $file['file_name'],
                'disposition' => 'attachment',
                'encoding' => 'base64',
            ]);
        }
        return [$data];
    }
}
