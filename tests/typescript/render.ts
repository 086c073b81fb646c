// A frontend's renderer, against the types `make types` generates from the API's OpenAPI
// document (tests/test_typescript.py compiles it with tsc --strict). Every switch is
// exhaustive: a new block or page type, or a renamed one, stops this file compiling until it
// is rendered here, as it would stop a frontend's build.
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/api";

type Schemas = components["schemas"];
type PageDetail = Schemas["PageDetail"];
type BodyBlock = Schemas["ArticleBodyBlock"][number];

function unreachable(value: never): never {
  throw new Error(`Not rendered: ${JSON.stringify(value)}`);
}

function escape(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function image(value: Schemas["Image"] | null): string {
  if (!value) return "";
  const sources = (["avif", "webp"] as const)
    .map((format) => value.srcset.widths[format])
    .map((srcset, n) => (srcset ? `<source type="image/${n ? "webp" : "avif"}" srcset="${srcset}">` : ""))
    .join("");
  const srcset = value.srcset.widths.original ?? "";
  return `<picture>${sources}<img src="${value.url}" srcset="${srcset}" alt="${escape(value.alt ?? "")}"></picture>`;
}

export function renderBlock(block: BodyBlock): string {
  switch (block.type) {
    case "heading":
      return `<${block.value.level} id="${block.value.anchor}">${escape(block.value.text)}</${block.value.level}>`;
    case "paragraph":
      return block.value;
    case "image":
      return `<figure>${image(block.value.image)}<figcaption>${escape(block.value.caption)}</figcaption></figure>`;
    case "callout":
      return `<aside class="${block.value.variant}">${block.value.text}</aside>`;
    case "accordion":
      return block.value.items
        .map(
          (item) =>
            `<h${block.value.heading_level}><button id="${item.id}" aria-expanded="false">${escape(item.title)}</button></h${block.value.heading_level}><div role="region" aria-labelledby="${item.id}">${item.body}</div>`,
        )
        .join("");
    case "call_to_action":
      return block.value.href ? `<a href="${block.value.href}">${escape(block.value.label)}</a>` : "";
    case "references":
      return `<ol>${block.value.map((citation) => `<li id="${citation.id}">${escape(citation.text)}</li>`).join("")}</ol>`;
    case "disclaimer":
      return `<p class="disclaimer">${escape(block.value.text)}</p>`;
    default:
      return unreachable(block);
  }
}

// A page detail is told apart by meta.type: TypeScript narrows a union on a nested property
// only through a guard.
type PageTypeName = PageDetail["meta"]["type"];
type DetailOf<T extends PageTypeName> = Extract<PageDetail, { meta: { type: T } }>;

function isPageType<T extends PageTypeName>(page: PageDetail, type: T): page is DetailOf<T> {
  return page.meta.type === type;
}

export function renderPage(page: PageDetail): string {
  const type: PageTypeName = page.meta.type;
  switch (type) {
    case "articles.ArticlePage":
      if (!isPageType(page, type)) break;
      return `<article><h1>${escape(page.title)}</h1>${page.body.map(renderBlock).join("")}</article>`;
    case "articles.ArticleIndexPage":
      if (!isPageType(page, type)) break;
      return `<h1>${escape(page.title)}</h1>`;
    case "contact.ContactPage":
      if (!isPageType(page, type)) break;
      return `<form action="${page.submit_url}">${page.fields.map((field) => escape(field.label)).join("")}</form>`;
    case "home.HomePage":
      if (!isPageType(page, type)) break;
      return `<h1>${escape(page.title)}</h1>`;
    default:
      return unreachable(type);
  }
  throw new Error("meta.type does not match the page's shape");
}

// The typed client of docs/api-types.md: openapi-fetch with the generated paths.
const api = createClient<paths>({ baseUrl: "https://cms.example.org" });

export async function renderPath(htmlPath: string): Promise<string> {
  const { data, error } = await api.GET("/api/v2/pages/find/", {
    params: { query: { html_path: htmlPath } },
  });
  if (error) return `<p>${escape(error.message)}</p>`;
  return "redirect" in data ? `Moved to ${data.redirect.target ?? "nowhere"}` : renderPage(data);
}

export async function submitContact(
  id: number,
  answers: Schemas["FormAnswers"],
): Promise<string> {
  const { data, error } = await api.POST("/api/v2/forms/{id}/submissions/", {
    params: { path: { id } },
    body: answers,
  });
  if (error) return Object.entries(error.errors ?? {}).map(([name, messages]) => `${name}: ${messages.join(" ")}`).join("\n") || error.message;
  return data.message;
}
