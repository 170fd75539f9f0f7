-- The salt of a receipt's input and output commitments: given to the payer (with the answer, and
-- on GET /v1/receipts/:id with the payer's key), never to anyone else.
alter table receipts add column prompt_salt text;
