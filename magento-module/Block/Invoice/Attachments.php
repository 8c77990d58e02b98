<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Block\Invoice;

use Icsync\ErpSync\Model\Attachment\AttachmentStore;
use Magento\Framework\Registry;
use Magento\Framework\View\Element\Template;
use Magento\Framework\View\Element\Template\Context;

/**
 * The list of an invoice's attachments with download links: on the admin invoice page (the
 * invoice in the request) and on the customer's invoices page (every invoice of the order).
 * The download controllers check the right to the file again; this block only lists.
 */
final class Attachments extends Template
{
    public function __construct(Context $context, private AttachmentStore $store, private Registry $registry, array $data = [])
    {
        parent::__construct($context, $data);
    }

    /** @return list<array{attachment_id:int,invoice_id:int,file_name:string,size:int,created_at:string}> */
    public function getAttachments(): array
    {
        $rows = [];
        foreach ($this->invoiceIds() as $invoiceId) {
            array_push($rows, ...$this->store->listFor($invoiceId));
        }
        return $rows;
    }

    public function getDownloadUrl(int $attachmentId): string
    {
        return $this->getUrl('icsync/attachment/download', ['id' => $attachmentId]);
    }

    /** @return list<int> */
    private function invoiceIds(): array
    {
        $invoiceId = (int) $this->getRequest()->getParam('invoice_id');
        if ($invoiceId > 0) {
            return [$invoiceId];
        }
        $order = $this->registry->registry('current_order');
        if ($order === null) {
            return [];
        }
        $ids = [];
        foreach ($order->getInvoiceCollection() as $invoice) {
            $ids[] = (int) $invoice->getId();
        }
        return $ids;
    }
}
