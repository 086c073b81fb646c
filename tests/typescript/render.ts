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

// Absent optional values are null, never "": one test renders them or leaves them out.
function optional(value: string | null, render: (text: string) => string): string {
  return value === null ? "" : render(escape(value));
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

function citation(value: Schemas["CitationBlock"]): string {
  const title = value.link ? `<a href="${value.link}">${escape(value.text)}</a>` : escape(value.text);
  const published = [value.publisher, value.year === null ? null : String(value.year)]
    .filter((part): part is string => part !== null)
    .map(escape)
    .join(", ");
  const identifier = value.doi !== null ? `DOI ${escape(value.doi)}` : optional(value.pmid, (pmid) => `PMID ${pmid}`);
  return `<li id="${value.id}">${title}${published && ` (${published})`}${identifier && ` ${identifier}`}</li>`;
}

function clinician(value: Schemas["Clinician"] | null): string {
  if (!value) return "";
  const name = value.profile_url ? `<a href="${value.profile_url}">${escape(value.name)}</a>` : escape(value.name);
  return `<p class="byline">${name}${optional(value.credentials, (text) => `, ${text}`)}${optional(value.specialty, (text) => ` (${text})`)}</p>${optional(value.bio, (text) => `<p>${text}</p>`)}`;
}

function link(value: Schemas["LinkBlock"] | Schemas["CallToActionBlock"]): string {
  return value.href ? `<a href="${value.href}"${value.url !== null ? ' rel="external"' : ""}>${escape(value.label)}</a>` : "";
}

export function renderBlock(block: BodyBlock): string {
  switch (block.type) {
    case "heading":
      return `<${block.value.level} id="${block.value.anchor}">${escape(block.value.text)}</${block.value.level}>`;
    case "paragraph":
      return block.value;
    case "image": {
      const { caption, credit } = block.value;
      const figcaption =
        caption !== null || credit !== null
          ? `<figcaption>${optional(caption, (text) => text)}${optional(credit, (text) => ` <small>${text}</small>`)}</figcaption>`
          : "";
      return `<figure>${image(block.value.image)}${figcaption}</figure>`;
    }
    case "callout":
      return `<aside class="${block.value.variant}">${block.value.text}</aside>`;
    case "accordion":
      return (
        optional(block.value.title, (text) => `<p class="accordion-title">${text}</p>`) +
        block.value.items
          .map(
            (item) =>
              `<h${block.value.heading_level}><button id="${item.id}" aria-expanded="false">${escape(item.title)}</button></h${block.value.heading_level}><div role="region" aria-labelledby="${item.id}">${item.body}</div>`,
          )
          .join("")
      );
    case "call_to_action":
      return link(block.value);
    case "references":
      return `<ol>${block.value.map(citation).join("")}</ol>`;
    case "disclaimer":
      return optional(block.value.text, (text) => `<p class="disclaimer">${text}</p>`);
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
      return `<article><h1>${escape(page.title)}</h1>${clinician(page.author)}${page.conditions.map((term) => optional(term.description, (text) => `<p>${text}</p>`)).join("")}${page.body.map(renderBlock).join("")}</article>`;
    case "articles.ArticleIndexPage":
      if (!isPageType(page, type)) break;
      return `<h1>${escape(page.title)}</h1>${page.intro ?? ""}`;
    case "contact.ContactPage":
      if (!isPageType(page, type)) break;
      return `<h1>${escape(page.title)}</h1>${page.intro ?? ""}<form action="${page.submit_path}">${page.fields
        .map((field) => `<label>${escape(field.label)}${optional(field.help_text, (text) => `<small>${text}</small>`)}</label>`)
        .join("")}</form>`;
    case "home.HomePage":
      if (!isPageType(page, type)) break;
      return `<h1>${escape(page.hero_title ?? page.title)}</h1>${optional(page.hero_text, (text) => `<p>${text}</p>`)}${page.intro ?? ""}`;
    default:
      return unreachable(type);
  }
  throw new Error("meta.type does not match the page's shape");
}

// The document's <title> and description: the SEO title when an editor gave one.
export function head(page: PageDetail): string {
  const title = escape(page.meta.seo_title ?? page.title);
  return `<title>${title}</title>${optional(page.meta.search_description, (text) => `<meta name="description" content="${text}">`)}`;
}

// What every page shows: the clinic's details and navigation, each detail only when given.
export function renderSite(site: Schemas["SiteSettings"]): string {
  const contact = [site.phone, site.email, site.address]
    .filter((detail): detail is string => detail !== null)
    .map((detail) => `<li>${escape(detail)}</li>`)
    .join("");
  return `<header>${escape(site.clinic_name)}<nav>${site.main_navigation.map(link).join("")}</nav></header><footer><ul>${contact}</ul>${site.footer_links.map(link).join("")}${optional(site.default_disclaimer, (text) => `<p>${text}</p>`)}</footer>`;
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

// A frontend's preview page, marked for click-to-edit as docs/preview.md shows: the draft
// renders as a published page; meta.edit_paths says where each part is edited.
export async function renderPreview(contentType: string, token: string): Promise<string> {
  const { data, error } = await api.GET("/api/v2/page_preview/", {
    params: { query: { content_type: contentType, token } },
  });
  if (error) return `<p>${escape(error.message)}</p>`;
  const edit: Schemas["EditPaths"] = data.meta.edit_paths;
  const blocks = Object.entries(edit.blocks).map(([id, path]) => `${escape(id)}=${escape(path)}`);
  return `<div data-edit-path="${escape(edit.fields.title ?? "")}">${renderPage(data)}</div><!-- ${blocks.join(" ")} -->`;
}
