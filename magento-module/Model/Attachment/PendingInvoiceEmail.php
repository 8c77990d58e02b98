<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Model\Attachment;

/**
 * Which invoice the e-mail being built is for. Magento's mail stack passes no such thing to the
 * place where the MIME message is assembled, so the template variables (which name the invoice)
 * are noted here first and read when the message is built (the approach of established
 * attachment modules). One instance per request (di.xml: shared).
 */
final class PendingInvoiceEmail
{
    private ?int $invoiceId = null;
    private bool $attached = false;

    public function note(?int $invoiceId): void
    {
        $this->invoiceId = $invoiceId;
        $this->attached = false;
    }

    /** The documents are in this mail already (one of the two mail stacks added them). */
    public function markAttached(): void
    {
        $this->attached = true;
    }

    public function attached(): bool
    {
        return $this->attached;
    }

    /** The invoice of the mail being built, if it is an invoice mail. */
    public function current(): ?int
    {
        return $this->invoiceId;
    }

    public function clear(): void
    {
        $this->invoiceId = null;
        $this->attached = false;
    }

    /**
     * The invoice id among a mail's template variables: Magento's InvoiceSender passes the
     * invoice object as "invoice" (and 2.4 also "invoice_id"); other mails have neither.
     */
    public static function invoiceIdFromTemplateVars(array $vars): ?int
    {
        if (isset($vars['invoice_id']) && is_numeric($vars['invoice_id'])) {
            return (int) $vars['invoice_id'];
        }
        $invoice = $vars['invoice'] ?? null;
        if (is_object($invoice) && method_exists($invoice, 'getId') && is_numeric($invoice->getId())) {
            return (int) $invoice->getId();
        }
        return null;
    }
}
