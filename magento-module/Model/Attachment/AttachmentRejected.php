<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Model\Attachment;

/**
 * A refused upload or read, carrying the contract's message template and parameters exactly as
 * Magento's REST error body shows them ({"message": "...%1...", "parameters": [...]}).
 * The web API adapter turns it into Magento's InputException or NoSuchEntityException.
 */
final class AttachmentRejected extends \RuntimeException
{
    public const INPUT = 'input';
    public const NOT_FOUND = 'not_found';

    /** @param array<int|string, mixed> $parameters */
    private function __construct(public readonly string $kind, public readonly string $template, public readonly array $parameters)
    {
        parent::__construct($template);
    }

    public static function required(string $field): self
    {
        return new self(self::INPUT, '"%fieldName" is required. Enter and try again.', ['fieldName' => $field]);
    }

    public static function notSupported(string $field): self
    {
        return new self(self::INPUT, '"%fieldName" is not supported. Correct the field name and try again.', ['fieldName' => $field]);
    }

    public static function invoiceNotFound(): self
    {
        return new self(self::NOT_FOUND, "The entity that was requested doesn't exist. Verify the entity and try again.", []);
    }

    public static function input(string $template, array $parameters = []): self
    {
        return new self(self::INPUT, $template, $parameters);
    }

    /** The REST error body, as Magento renders it. */
    public function body(): array
    {
        return $this->parameters === [] ? ['message' => $this->template] : ['message' => $this->template, 'parameters' => $this->parameters];
    }

    public function httpStatus(): int
    {
        return $this->kind === self::NOT_FOUND ? 404 : 400;
    }
}
